using UnIT.ML.Division;
using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;
using UnIT.ML.Sweeps;
using UnIT.ML.Targets;
using UnIT.ML.Tests.Kernels;
using UnIT.ML.Tests.Sweeps;

namespace UnIT.ML.Tests.Pruning;

/// <summary>
/// Skip compensation: its constants are w times the mean activation the rule skips, the engine adds them exactly where
/// the rule skips a nonzero activation, the cost model charges them, and they are refused where they cannot run.
/// </summary>
[TestClass]
public sealed class SkipCompensationTests
{
    /// <summary>One MAC of a prunable layer as a plain loop sees it.</summary>
    private readonly record struct Mac(int Sample, int Output, int Weight, float X, bool Runs);

    /// <summary>Every MAC with both operands nonzero, with the exact-division skip rule decided by a plain loop.</summary>
    private static IEnumerable<Mac> Macs(ModelGraph graph, Tensor x, float[] thresholds)
    {
        PrunableNode layer = graph.PrunableLayers[0];
        float[] w = layer.Weight.Data;
        float T(int channel) => thresholds.Length == 1 ? thresholds[0] : thresholds[channel];
        if (layer is FullyConnectedNode fc)
        {
            int k = fc.InputFeatures, n = fc.OutputChannels;
            for (int s = 0; s < x.Shape[0]; s++)
            {
                for (int j = 0; j < n; j++)
                {
                    for (int i = 0; i < k; i++)
                    {
                        float xi = x.Data[s * k + i], wi = w[j * k + i];
                        if (xi != 0f && wi != 0f)
                        {
                            // C = x: the weight runs when |w| > T / |x|.
                            yield return new Mac(s, j, j * k + i, xi, MathF.Abs(wi) > T(j) / MathF.Abs(xi));
                        }
                    }
                }
            }
            yield break;
        }
        // Stride 1, no padding, one group: out[m, oy, ox] += x[c, oy + ky, ox + kx] * w[m, c, ky, kx].
        int[] ws = layer.Weight.Shape.Dimensions.ToArray();
        int oc = ws[0], ic = ws[1], kh = ws[2], kw = ws[3], h = x.Shape[2], wd = x.Shape[3], oh = h - kh + 1, ow = wd - kw + 1;
        for (int s = 0; s < x.Shape[0]; s++)
        {
            for (int m = 0; m < oc; m++)
            {
                for (int p = 0; p < oh * ow; p++)
                {
                    for (int r = 0; r < ic * kh * kw; r++)
                    {
                        int c = r / (kh * kw), ky = r / kw % kh, kx = r % kw, wi = m * ic * kh * kw + r;
                        float xi = x.Data[((s * ic + c) * h + p / ow + ky) * wd + p % ow + kx];
                        if (xi != 0f && w[wi] != 0f)
                        {
                            // C = w: the activation runs when |x| > T / |w|.
                            yield return new Mac(s, m * oh * ow + p, wi, xi, MathF.Abs(xi) > T(m) / MathF.Abs(w[wi]));
                        }
                    }
                }
            }
        }
    }

    private static (ModelGraph Graph, Tensor Input) Layer(string kind, Random rng) => kind == "fc"
        ? (TestGraphs.FullyConnected(24, 5, rng), new Tensor(new Shape(40, 24), TestGraphs.Random(rng, 40 * 24, 0.3)))
        : (TestGraphs.Conv(1, 3, 9, 9, 4, 3, 3, [1, 1], [0, 0], [0, 0], [1, 1], 1, rng), new Tensor(new Shape(6, 3, 9, 9), TestGraphs.Random(rng, 6 * 243, 0.3)));

    [TestMethod]
    public void An_int16_fully_connected_layer_too_wide_for_exact_sums_of_constants_is_refused_by_name()
    {
        // Each neuron sums its skipped constants (|c| <= 32767) in int32: exact for up to 65,536 inputs.
        var rng = new Random(23);
        const int Inputs = FixedPointFullyConnectedKernel.MaxCompensatedInputs + 1;
        ModelGraph graph = TestGraphs.FullyConnected(Inputs, 1, rng);
        var x = new Tensor(new Shape(2, Inputs), TestGraphs.Random(rng, 2 * Inputs, 0.3));

        GraphException e = Assert.ThrowsExactly<GraphException>(() =>
            PrunedModel.Create(graph, new PruningOptions { Profile = "msp430", Percentile = 50, SkipCompensation = true }, [x]));

        Assert.Contains($"'{graph.PrunableLayers[0].Name}'", e.Message);
        Assert.Contains($"{Inputs} inputs", e.Message);
    }

    [TestMethod]
    [DataRow("fc", false)]
    [DataRow("fc", true)]
    [DataRow("conv", false)]
    [DataRow("conv", true)]
    public void Constants_are_the_weight_times_the_mean_activation_the_rule_skips_by_sign(string kind, bool groupWise)
    {
        (ModelGraph graph, Tensor x) = Layer(kind, new Random(groupWise ? 21 : 22));

        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Percentile = 60, GroupWise = groupWise, SkipCompensation = true }, [x]);

        float[] w = graph.PrunableLayers[0].Weight.Data;
        float[] constants = model.Thresholds.SkipCompensations![graph.PrunableLayers[0].Name];
        Assert.HasCount(2 * w.Length, constants);
        var skipped = Macs(graph, x, model.Thresholds.Layers[graph.PrunableLayers[0].Name]).Where(m => !m.Runs).ToArray();
        Assert.IsNotEmpty(skipped.Where(m => m.X > 0));
        Assert.IsNotEmpty(skipped.Where(m => m.X < 0), "the inputs are signed, so both constants are used");
        for (int i = 0; i < w.Length; i++)
        {
            foreach ((int slot, Func<float, bool> sign) in new[] { (i, (Func<float, bool>)(v => v > 0)), (w.Length + i, v => v < 0) })
            {
                float[] xs = skipped.Where(m => m.Weight == i && sign(m.X)).Select(m => m.X).ToArray();
                double expected = xs.Length == 0 ? 0 : w[i] * xs.Average(v => (double)v);
                Assert.AreEqual(expected, constants[slot], 1e-5 + 1e-5 * Math.Abs(expected), $"weight {i}, slot {slot}");
            }
        }
    }

    [TestMethod]
    [DataRow("float32", "bitshift", false)]
    [DataRow("float32", "binarytree", true)]
    [DataRow("max78000", "bitmask", true)]
    [DataRow("msp430", "bitshift", true)]
    [DataRow("msp430", "exact", false)]
    public void Convolution_constants_equal_a_plain_loop_for_any_geometry_division_and_numerics(string profile, string division, bool groupWise)
    {
        var rng = new Random(groupWise ? 31 : 32);
        (ModelGraph, Tensor)[] layers =
        [
            // Stride, padding on each side, dilation and two groups; then a 1-D convolution.
            (TestGraphs.Conv(1, 4, 9, 8, 6, 3, 2, [2, 1], [1, 0], [0, 1], [1, 2], 2, rng), new Tensor(new Shape(5, 4, 9, 8), TestGraphs.Random(rng, 5 * 4 * 72, 0.3))),
            (TestGraphs.Conv(1, 2, 1, 11, 40, 1, 3, [2], [1], [1], [1], 1, rng, oneD: true), new Tensor(new Shape(5, 2, 11), TestGraphs.Random(rng, 5 * 2 * 11, 0.3))),
        ];
        foreach ((ModelGraph graph, Tensor x) in layers)
        {
            PrunedModel model = PrunedModel.Create(graph,
                new PruningOptions { Profile = profile, Division = division, Percentile = 60, GroupWise = groupWise, SkipCompensation = true }, [x]);

            float[] expected = PlainConvConstants(model, x);
            float[] actual = model.Thresholds.SkipCompensations![graph.PrunableLayers[0].Name];
            Assert.IsGreaterThan(expected.Length / 4, expected.Count(c => c != 0f), "most weights skip something");
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual(expected[i], actual[i], 1e-6 + 1e-5 * Math.Abs(expected[i]), $"{graph.PrunableLayers[0].OpName} slot {i}");
            }
        }
    }

    /// <summary>
    /// A convolution's constants by a loop over every output position and kernel tap: the rule |x| &gt; t(T, |w|) with the
    /// model's division, on float values or, for fixed point, on the int16 values of its Q formats.
    /// </summary>
    private static float[] PlainConvConstants(PrunedModel model, Tensor x)
    {
        var conv = (ConvNode)model.Graph.PrunableLayers[0];
        float[] thresholds = model.Thresholds.Layers[conv.Name];
        QuantizationPlan? plan = model.Thresholds.Quantization;
        int inBits = plan?.ValueBits(conv.Input) ?? 0, weightBits = plan?.WeightBits(conv.Name) ?? 0;
        int[] quantizedThresholds = plan is null ? [] : LayerExecutor.QuantizedThresholdsOf(conv, model.Thresholds, inBits + weightBits);
        float[] w = plan is null ? conv.Weight.Data : Array.ConvertAll(conv.Weight.Data, v => (float)FixedPointMath.Quantize(v, weightBits));
        float[] input = plan is null ? x.Data : Array.ConvertAll(x.Data, v => (float)FixedPointMath.Quantize(v, inBits));
        ConvGeometry g = conv.Geometry(x.Shape);
        var sums = new double[2 * w.Length];
        var counts = new long[2 * w.Length];
        var ops = default(DivisionOps);
        for (int s = 0; s < x.Shape[0]; s++)
        {
            for (int m = 0; m < g.OutChannels; m++)
            {
                int group = thresholds.Length == 1 ? 0 : m;
                for (int oh = 0; oh < g.OutH; oh++)
                {
                    for (int ow = 0; ow < g.OutW; ow++)
                    {
                        for (int r = 0; r < g.ColumnRows; r++)
                        {
                            int c = r / (g.KernelH * g.KernelW), kh = r / g.KernelW % g.KernelH, kw = r % g.KernelW;
                            int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH, iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                            int wi = m * g.ColumnRows + r;
                            if (ih < 0 || ih >= g.InH || iw < 0 || iw >= g.InW || w[wi] == 0f)
                            {
                                continue;
                            }
                            float xi = input[((s * g.InChannels + m / g.OutChannelsPerGroup * g.InChannelsPerGroup + c) * g.InH + ih) * g.InW + iw];
                            bool runs = plan is null
                                ? MathF.Abs(xi) > model.Division.Threshold(thresholds[group], MathF.Abs(w[wi]), ref ops)
                                : Math.Abs((int)xi) > model.Division.Threshold(quantizedThresholds[group], Math.Abs((int)w[wi]), ref ops);
                            if (xi != 0f && !runs)
                            {
                                int slot = xi > 0f ? wi : w.Length + wi;
                                sums[slot] += xi;
                                counts[slot]++;
                            }
                        }
                    }
                }
            }
        }
        double scale = Math.ScaleB(1.0, -(inBits + weightBits));
        return sums.Select((sum, i) => counts[i] == 0 ? 0f : (float)(w[i % w.Length] * (sum / counts[i]) * scale)).ToArray();
    }

    [TestMethod]
    [DataRow("fc", false)]
    [DataRow("fc", true)]
    [DataRow("conv", false)]
    [DataRow("conv", true)]
    public void The_engine_adds_each_constant_where_the_rule_skips_a_nonzero_activation(string kind, bool groupWise)
    {
        (ModelGraph graph, Tensor x) = Layer(kind, new Random(groupWise ? 23 : 24));
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Percentile = 70, GroupWise = groupWise, SkipCompensation = true }, [x]);
        PrunableNode layer = graph.PrunableLayers[0];
        float[] w = layer.Weight.Data, constants = model.Thresholds.SkipCompensations![layer.Name];

        var stats = new InferenceStatistics();
        float[] actual = model.Engine.Run(x, stats).Data;

        // Plain reference in double: bias, plus x * w where the rule runs, plus the weight's constant by sign where it skips.
        int perSample = actual.Length / x.Shape[0], plane = perSample / layer.OutputChannels;
        double[] expected = Enumerable.Range(0, actual.Length).Select(o => (double)layer.Bias![o % perSample / plane]).ToArray();
        Mac[] macs = Macs(graph, x, model.Thresholds.Layers[layer.Name]).ToArray();
        foreach (Mac m in macs)
        {
            expected[m.Sample * perSample + m.Output] += m.Runs ? (double)m.X * w[m.Weight] : constants[(m.X > 0 ? 0 : w.Length) + m.Weight];
        }
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-4, $"output {i}");
        }
        LayerStatistics counts = stats.Layers[0];
        Assert.AreEqual(macs.LongCount(m => m.Runs), counts.Executed);
        Assert.AreEqual(macs.LongCount(m => !m.Runs), counts.SkippedThreshold);
        Assert.AreEqual(counts.SkippedThreshold, counts.Compensations, "every threshold skip is compensated");
        Assert.IsGreaterThan(0L, counts.Compensations);
    }

    [TestMethod]
    [DataRow("fc")]
    [DataRow("conv")]
    public void A_zero_weight_adds_no_constant_even_when_a_hand_edited_set_gives_it_one(string kind)
    {
        (ModelGraph graph, Tensor x) = Layer(kind, new Random(27));
        PrunableNode layer = graph.PrunableLayers[0];
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Percentile = 70, SkipCompensation = true }, [x]);
        float[] w = layer.Weight.Data;
        float[] edited = model.Thresholds.SkipCompensations![layer.Name].Select((c, i) => w[i % w.Length] == 0f ? 1f : c).ToArray();
        Assert.IsTrue(w.Contains(0f), "the layer has zero weights");

        PrunedModel hand = model.WithThresholds(model.Thresholds with
        {
            SkipCompensations = new Dictionary<string, float[]>(StringComparer.Ordinal) { [layer.Name] = edited },
        });

        CollectionAssert.AreEqual(model.Engine.Run(x).Data, hand.Engine.Run(x).Data);
    }

    [TestMethod]
    public void The_cost_model_charges_an_add_a_sign_test_and_a_read_per_compensated_skip()
    {
        IReadOnlyList<Tensor> calibration = SweepData.Calibration;
        PrunedModel compensated = PrunedModel.Create(SweepData.Model, new PruningOptions { Percentile = 70, SkipCompensation = true }, calibration);
        PrunedModel plain = compensated.WithThresholds(compensated.Thresholds with { SkipCompensations = null });
        var a = new InferenceStatistics();
        var b = new InferenceStatistics();
        compensated.Engine.Run(SweepData.Images, a);
        plain.Engine.Run(SweepData.Images, b);

        // Same thresholds, same inputs to the first layer: its counts agree, and only the compensations add cost.
        LayerStatistics first = a.Layers[0], firstPlain = b.Layers[0];
        Assert.AreEqual(firstPlain.Executed, first.Executed);
        Assert.AreEqual(0L, firstPlain.Compensations);
        CostTable costs = TargetProfile.FromName("msp430").Costs;
        double extra = CostModel.EstimateLayer(costs, first).Cycles - CostModel.EstimateLayer(costs, firstPlain).Cycles;
        Assert.AreEqual((double)first.Compensations / first.Samples * (costs.Add + costs.CompareBranch + costs.MemoryRead), extra, 1e-6 * extra);
        // A table with a measured compensation cost charges that instead, to the MAC part.
        CostTable measured = CostTable.Msp430SoftwareMultiply with { SortedLists = null };
        LayerCostEstimate withCompensation = CostModel.EstimateLayer(measured, first), without = CostModel.EstimateLayer(measured, firstPlain);
        Assert.AreEqual((double)first.Compensations / first.Samples * measured.Compensation!.Value, withCompensation.MacCycles - without.MacCycles, 1e-6 * extra);
        Assert.AreEqual(without.ComparisonCycles, withCompensation.ComparisonCycles);
        // Priced by its lists, a compensated layer also walks the skipped tail of each weight's list.
        CostTable lists = CostTable.Msp430SoftwareMultiply;
        Assert.IsGreaterThan(0L, first.ListTailWalked);
        Assert.AreEqual(0L, firstPlain.ListTailWalked);
        double tail = CostModel.EstimateLayer(lists, first).ComparisonCycles - CostModel.EstimateLayer(lists, firstPlain).ComparisonCycles;
        Assert.AreEqual((double)first.ListTailWalked / first.Samples * lists.SortedLists!.TailWalk, tail, 1e-6 * tail);
    }

    [TestMethod]
    [DataRow("float32")]
    [DataRow("msp430")]
    public void On_the_trained_model_compensation_brings_the_logits_closer_to_dense(string profile)
    {
        IReadOnlyList<Tensor> calibration = SweepData.Calibration;
        PrunedModel compensated = PrunedModel.Create(SweepData.Model, new PruningOptions { Percentile = 70, Profile = profile, SkipCompensation = true }, calibration);
        PrunedModel plain = compensated.WithThresholds(compensated.Thresholds with { SkipCompensations = null });
        float[] dense = new UnIT.ML.Engine.InferenceEngine(SweepData.Model).Run(SweepData.Images).Data;
        var stats = new InferenceStatistics();

        double Error(PrunedModel m, InferenceStatistics? s = null) =>
            Math.Sqrt(m.Engine.Run(SweepData.Images, s ?? new InferenceStatistics()).Data.Zip(dense, (p, d) => (double)(p - d) * (p - d)).Average());

        double before = Error(plain), after = Error(compensated, stats);
        Assert.IsLessThan(0.5 * before, after, $"logit RMS error: {before} uncompensated, {after} compensated");
        Assert.AreEqual(stats.SkippedThreshold, stats.Compensations);
        Assert.IsGreaterThan(0L, stats.Compensations);
    }

    [TestMethod]
    public void Compensations_round_trip_through_json_and_bad_ones_are_refused_naming_the_layer()
    {
        (ModelGraph graph, Tensor x) = Layer("fc", new Random(25));
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Percentile = 50, SkipCompensation = true }, [x]);

        ThresholdSet loaded = ThresholdSet.FromJson(model.Thresholds.ToJson());
        CollectionAssert.AreEqual(model.Thresholds.SkipCompensations!["fc"], loaded.SkipCompensations!["fc"]);
        PrunedModel reloaded = PrunedModel.Create(graph, new PruningOptions { Thresholds = loaded }, null);
        CollectionAssert.AreEqual(model.Engine.Run(x).Data, reloaded.Engine.Run(x).Data, "the saved set runs the same without calibration data");

        string json = model.Thresholds.ToJson();
        string nan = json.Replace("\"skip_compensations\": {\n    \"fc\": [\n      ", "\"skip_compensations\": {\n    \"fc\": [\n      \"NaN\", ");
        Assert.AreNotEqual(json, nan, "the test edits the compensations");
        StringAssert.Contains(Assert.ThrowsExactly<FormatException>(() => ThresholdSet.FromJson(nan)).Message, "'fc' has skip compensation NaN");
        ThresholdSet wrongCount = model.Thresholds with { SkipCompensations = new() { ["fc"] = [1f, 2f] } };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => wrongCount.Validate(graph, false)).Message, "'fc' has 120 weights but 2 skip compensations");
        ThresholdSet stray = model.Thresholds with { SkipCompensations = new() { ["conv9"] = [1f] } };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => stray.Validate(graph, false)).Message, "skip compensations for 'conv9'");
    }

    [TestMethod]
    [DataRow(true, false)]
    [DataRow(false, true)]
    public void Calibration_data_with_NaN_is_refused_naming_the_layer_when_thresholds_are_given(bool compensation, bool correction)
    {
        (ModelGraph graph, Tensor x) = Layer("fc", new Random(27));
        x.Data[5] = float.NaN;
        ThresholdSet given = ThresholdSet.Explicit(new Dictionary<string, float> { ["fc"] = 0.05f });

        var e = Assert.ThrowsExactly<ArgumentException>(() => PrunedModel.Create(graph,
            new PruningOptions { Thresholds = given, SkipCompensation = compensation, BiasCorrection = correction }, [x]));

        StringAssert.Contains(e.Message, "'fc'");
        StringAssert.Contains(e.Message, "NaN or infinity");
    }

    [TestMethod]
    public void Missing_calibration_data_is_refused()
    {
        (ModelGraph graph, _) = Layer("fc", new Random(26));

        var none = Assert.ThrowsExactly<ArgumentException>(() => PrunedModel.Create(graph,
            new PruningOptions { Thresholds = ThresholdSet.Explicit(new Dictionary<string, float> { ["fc"] = 0.05f }), SkipCompensation = true }, null));
        StringAssert.Contains(none.Message, "calibration samples");
    }

    [TestMethod]
    public void Bias_correction_is_measured_on_the_compensated_model()
    {
        IReadOnlyList<Tensor> calibration = SweepData.Calibration;
        PrunedModel both = PrunedModel.Create(SweepData.Model, new PruningOptions { Percentile = 70, SkipCompensation = true, BiasCorrection = true }, calibration);
        PrunedModel compensatedOnly = both.WithThresholds(both.Thresholds with { BiasCorrections = null });

        // Measured again on the compensated model, the corrections would be the same: nothing is left to correct.
        Dictionary<string, float[]> again = BiasCorrection.Compute(compensatedOnly, calibration);
        foreach ((string layer, float[] c) in both.Thresholds.BiasCorrections!)
        {
            for (int i = 0; i < c.Length; i++)
            {
                Assert.AreEqual(again[layer][i], c[i], 1e-4 + 1e-3 * Math.Abs(c[i]), $"{layer}[{i}]");
            }
        }
    }

    [TestMethod]
    public void Corrections_on_the_first_samples_equal_corrections_measured_on_those_samples_alone()
    {
        IReadOnlyList<Tensor> calibration = SweepData.Calibration;
        int size = SweepData.Model.InputSampleSize;
        float[] all = calibration.SelectMany(b => b.Data).ToArray();
        var first = new Tensor(calibration[0].Shape.WithBatch(70), all[..(70 * size)]);

        // 70 of the 100 samples: the second batch of 50 is cut.
        PrunedModel cut = PrunedModel.Create(SweepData.Model,
            new PruningOptions { Percentile = 70, SkipCompensation = true, BiasCorrection = true, CorrectionSamples = 70 }, calibration);
        ThresholdSet thresholds = cut.Thresholds with { SkipCompensations = null, BiasCorrections = null };
        PrunedModel alone = PrunedModel.Create(SweepData.Model, new PruningOptions { Thresholds = thresholds, SkipCompensation = true, BiasCorrection = true }, [first]);
        PrunedModel every = PrunedModel.Create(SweepData.Model, new PruningOptions { Thresholds = thresholds, SkipCompensation = true, BiasCorrection = true }, calibration);

        Assert.AreEqual(PrunedModel.Create(SweepData.Model, new PruningOptions { Percentile = 70 }, calibration).Thresholds.Layers["/conv1/Conv"][0],
            thresholds.Layers["/conv1/Conv"][0], "the thresholds still come from every sample");
        foreach ((IReadOnlyDictionary<string, float[]> a, IReadOnlyDictionary<string, float[]> b, IReadOnlyDictionary<string, float[]> c) in new[]
        {
            (cut.Thresholds.SkipCompensations!, alone.Thresholds.SkipCompensations!, every.Thresholds.SkipCompensations!),
            (cut.Thresholds.BiasCorrections!, alone.Thresholds.BiasCorrections!, every.Thresholds.BiasCorrections!),
        })
        {
            foreach ((string layer, float[] v) in a)
            {
                for (int i = 0; i < v.Length; i++)
                {
                    Assert.AreEqual(b[layer][i], v[i], 1e-6 + 1e-5 * Math.Abs(v[i]), $"{layer}[{i}]");
                }
            }
            Assert.IsTrue(a.Any(kv => kv.Value.Where((v, i) => Math.Abs(v - c[kv.Key][i]) > 1e-4).Any()), "all 100 samples give other values");
        }
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            PrunedModel.Create(SweepData.Model, new PruningOptions { Percentile = 70, SkipCompensation = true, CorrectionSamples = 0 }, calibration));
    }

    [TestMethod]
    public void A_compensated_search_returns_thresholds_that_reproduce_its_accuracy()
    {
        var options = new SearchOptions { MaxAccuracyDrop = 0.02, Levels = [20, 40, 60, 80], Budget = 12, ConfidenceZ = 0, SkipCompensation = true };

        SearchResult result = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);

        Assert.IsTrue(result.Feasible);
        Assert.IsTrue(result.Trace.All(s => s.Point.Coordinates.SkipCompensation), "every state ran compensated");
        Assert.IsNotNull(result.Thresholds.SkipCompensations);
        var model = PrunedModel.Create(SweepData.Model, new PruningOptions { Thresholds = result.Thresholds }, null);
        double accuracy = UnIT.ML.Evaluation.Evaluator.Evaluate(model, SweepData.Images, SweepData.Labels).Pruned.Accuracy;
        Assert.AreEqual(result.Validation.Accuracy, accuracy, 1e-12);
    }
}
