using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.Kernels;

namespace UnIT.ML.Tests.Pruning;

[TestClass]
public sealed class CalibratorTests
{
    /// <summary>Every nonzero |x*w| of the single conv layer (of one output channel when given), spelled out MAC by MAC.</summary>
    private static List<float> ConvProducts(ModelGraph graph, float[] x, int batch, int? channel = null)
    {
        var conv = (ConvNode)graph.PrunableLayers[0];
        ConvGeometry g = conv.Geometry(graph.Input.Shape.WithBatch(1));
        var products = new List<float>();
        for (int s = 0; s < batch; s++)
        {
            for (int m = 0; m < g.OutChannels; m++)
            {
                if (channel is { } only && only != m)
                {
                    continue;
                }
                int group = m / g.OutChannelsPerGroup;
                for (int oh = 0; oh < g.OutH; oh++)
                {
                    for (int ow = 0; ow < g.OutW; ow++)
                    {
                        for (int c = 0; c < g.InChannelsPerGroup; c++)
                        {
                            for (int kh = 0; kh < g.KernelH; kh++)
                            {
                                for (int kw = 0; kw < g.KernelW; kw++)
                                {
                                    int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH, iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                                    if (ih < 0 || ih >= g.InH || iw < 0 || iw >= g.InW)
                                    {
                                        continue;
                                    }
                                    int ic = group * g.InChannelsPerGroup + c;
                                    float xv = x[s * g.InputSampleSize + (ic * g.InH + ih) * g.InW + iw];
                                    float wv = conv.Weight.Data[((m * g.InChannelsPerGroup + c) * g.KernelH + kh) * g.KernelW + kw];
                                    if (xv != 0f && wv != 0f)
                                    {
                                        products.Add(MathF.Abs(xv * wv));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return products;
    }

    /// <summary>Every nonzero |x*w| of the single fully connected layer feeding neuron <paramref name="neuron"/> (all neurons when null).</summary>
    private static List<float> FullyConnectedProducts(ModelGraph graph, float[] x, int? neuron = null)
    {
        PrunableNode fc = graph.PrunableLayers[0];
        int k = graph.InputSampleSize, n = fc.OutputChannels;
        var products = new List<float>();
        for (int r = 0; r < x.Length / k; r++)
        {
            for (int j = 0; j < n; j++)
            {
                for (int i = 0; i < k; i++)
                {
                    float xv = x[r * k + i], wv = fc.Weight.Data[j * k + i];
                    if ((neuron is null || neuron == j) && xv != 0f && wv != 0f)
                    {
                        products.Add(MathF.Abs(xv * wv));
                    }
                }
            }
        }
        return products;
    }

    /// <summary>
    /// The method's definition, computed independently: the nearest rank is the smallest count c with
    /// c / n &gt;= p / 100, in integers (p = numerator / denominator); T is midway between v[c - 1] and the
    /// next larger distinct product (1.5 v[c - 1] when there is none); p = 0 gives T = 0.
    /// </summary>
    internal static (float RankValue, float Threshold) Oracle(List<float> products, long pNumerator, long pDenominator)
    {
        if (pNumerator == 0 || products.Count == 0)
        {
            return (0f, 0f);
        }
        products.Sort();
        long n = products.Count;
        long count = Math.Max(1, (pNumerator * n + pDenominator * 100 - 1) / (pDenominator * 100));
        float v = products[(int)count - 1];
        float? next = products.Skip((int)count).Where(p => p > v).Select(p => (float?)p).FirstOrDefault();
        double upper = next ?? 2.0 * v;
        var mid = (float)((v + upper) / 2);
        return (v, mid > v && (next is null || mid < next) ? mid : v);
    }

    [TestMethod]
    [DataRow(0, 1)]
    [DataRow(10, 1)]
    [DataRow(50, 1)]
    [DataRow(777, 10)]
    [DataRow(100, 1)]
    public void Layer_threshold_sits_midway_above_the_exact_nearest_rank_percentile(int pNumerator, int pDenominator)
    {
        double p = (double)pNumerator / pDenominator;
        var rng = new Random(21);
        ModelGraph graph = TestGraphs.Conv(1, 2, 10, 10, 3, 3, 3, [1, 1], [1, 1], [1, 1], [1, 1], 1, rng);
        float[] x = TestGraphs.Random(rng, 5 * graph.InputSampleSize, 0.3);
        var batches = new[] { new Tensor(graph.Input.Shape.WithBatch(3), x[..(3 * graph.InputSampleSize)]), new Tensor(graph.Input.Shape.WithBatch(2), x[(3 * graph.InputSampleSize)..]) };

        ThresholdSet set = Calibrator.Calibrate(graph, batches, new CalibrationOptions { Percentile = p });

        (float rankValue, float threshold) = Oracle(ConvProducts(graph, x, 5), pNumerator, pDenominator);
        Assert.AreEqual(rankValue, set.RankValues!["conv"].Single());
        Assert.AreEqual(threshold, set.Layers["conv"].Single());
        Assert.AreEqual(5, set.CalibrationSamples);
        Assert.AreEqual(p, set.Percentile);
    }

    [TestMethod]
    public void Group_wise_thresholds_are_percentiles_of_each_output_channel_of_a_grouped_conv()
    {
        var rng = new Random(4);
        ModelGraph graph = TestGraphs.Conv(1, 4, 8, 8, 6, 3, 3, [1, 1], [1, 0], [0, 1], [1, 1], 2, rng);
        float[] x = TestGraphs.Random(rng, 2 * graph.InputSampleSize, 0.2);

        ThresholdSet set = Calibrator.Calibrate(graph, [new Tensor(graph.Input.Shape.WithBatch(2), x)], new CalibrationOptions { Percentile = 40, GroupWise = true });

        float[] t = set.Layers["conv"];
        Assert.AreEqual(6, t.Length);
        for (int m = 0; m < 6; m++)
        {
            Assert.AreEqual(Oracle(ConvProducts(graph, x, 2, m), 40, 1).Threshold, t[m], $"channel {m}");
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Fully_connected_thresholds_match_the_oracle_layer_wise_and_per_neuron(bool groupWise)
    {
        // 200 neurons group-wise is past the two-pass memory budget, so this also runs the three-pass radix selection.
        var rng = new Random(12);
        ModelGraph graph = TestGraphs.FullyConnected(48, 200, rng);
        float[] x = TestGraphs.Random(rng, 7 * 48, 0.3);

        ThresholdSet set = Calibrator.Calibrate(graph, [new Tensor(graph.Input.Shape.WithBatch(7), x)],
            new CalibrationOptions { Percentile = 63.5, GroupWise = groupWise });

        float[] t = set.Layers["fc"];
        Assert.AreEqual(groupWise ? 200 : 1, t.Length);
        for (int j = 0; j < t.Length; j++)
        {
            Assert.AreEqual(Oracle(FullyConnectedProducts(graph, x, groupWise ? j : null), 635, 10).Threshold, t[j], $"group {j}");
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Fixed_point_thresholds_are_the_exact_nearest_rank_integer_products(bool groupWise)
    {
        // Operands already on their Q8 grids, so each float product is exactly x_q * w_q / 2^16.
        var rng = new Random(31);
        ModelGraph graph = TestGraphs.Conv(1, 2, 9, 9, 3, 3, 3, [1, 1], [1, 1], [1, 1], [1, 1], 1, rng);
        float[] w = graph.PrunableLayers[0].Weight.Data;
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = MathF.Round(w[i] * 256) / 256;
        }
        float[] x = Enumerable.Range(0, 4 * graph.InputSampleSize).Select(_ => rng.Next(5) == 0 ? 0f : rng.Next(-600, 600) / 256f).ToArray();
        var plan = new QuantizationPlan { Values = { ["x"] = 8, ["y"] = 8 }, Weights = { ["conv"] = 8 } };

        ThresholdSet set = Calibrator.Calibrate(graph, [new Tensor(graph.Input.Shape.WithBatch(4), x)],
            new CalibrationOptions { Percentile = 45, GroupWise = groupWise, FixedPoint = plan });

        int[] tq = set.QuantizedLayers!["conv"];
        for (int g = 0; g < tq.Length; g++)
        {
            float rankValue = Oracle(ConvProducts(graph, x, 4, groupWise ? g : null), 45, 1).RankValue;
            Assert.AreEqual((int)(rankValue * 65536), tq[g], $"group {g}");
            Assert.AreEqual(tq[g] / 65536f, set.Layers["conv"][g]);
        }
        Assert.AreSame(plan, set.Quantization);
    }

    [TestMethod]
    public void On_the_calibration_data_the_threshold_skips_exactly_the_products_up_to_the_rank_value()
    {
        // Inputs on an 8-bit grid, as images are: many products share a value, so ties at the rank value are common.
        var rng = new Random(3);
        ModelGraph graph = TestGraphs.Conv(1, 1, 12, 12, 2, 3, 3, [1, 1], [0, 0], [0, 0], [1, 1], 1, rng);
        float[] x = Enumerable.Range(0, 4 * graph.InputSampleSize).Select(_ => rng.Next(256) / 255f).ToArray();

        ThresholdSet set = Calibrator.Calibrate(graph, [new Tensor(graph.Input.Shape.WithBatch(4), x)], new CalibrationOptions { Percentile = 60 });

        List<float> products = ConvProducts(graph, x, 4);
        float v = set.RankValues!["conv"][0], t = set.Layers["conv"][0];
        Assert.IsTrue(t > v, "the threshold sits above the rank value");
        Assert.AreEqual(products.Count(p => p <= v), products.Count(p => p <= t), "no calibration product lies between v[r] and T");
        Assert.IsTrue(products.Count(p => p == v) > 1, "the data has ties at the rank value");
    }

    [TestMethod]
    public void Threshold_set_round_trips_through_json_and_rejects_other_versions()
    {
        var set = new ThresholdSet { Method = "percentile", Percentile = 50, Layers = { ["conv1"] = [0.25f], ["fc"] = [0.5f, 1.5f] }, Division = "bitshift", Profile = "msp430" };

        ThresholdSet back = ThresholdSet.FromJson(set.ToJson());

        CollectionAssert.AreEqual(set.Layers["fc"], back.Layers["fc"]);
        Assert.AreEqual("bitshift", back.Division);
        string future = set.ToJson().Replace("\"format_version\": 1", "\"format_version\": 99");
        FormatException e = Assert.ThrowsExactly<FormatException>(() => ThresholdSet.FromJson(future));
        StringAssert.Contains(e.Message, "version 99");
    }

    [TestMethod]
    public void Magnitude_pruning_zeroes_the_requested_fraction_of_smallest_weights()
    {
        var rng = new Random(8);
        ModelGraph graph = TestGraphs.Conv(1, 2, 8, 8, 4, 3, 3, [1, 1], [0, 0], [0, 0], [1, 1], 1, rng);
        float[] before = graph.PrunableLayers[0].Weight.Data;

        ModelGraph pruned = MagnitudePruning.Apply(graph, 0.5);

        float[] after = pruned.PrunableLayers[0].Weight.Data;
        int zeros = after.Count(v => v == 0f);
        Assert.AreEqual((int)Math.Round(0.5 * after.Length), zeros);
        float largestPruned = before.Where((v, i) => after[i] == 0f).Max(MathF.Abs);
        float smallestKept = after.Where(v => v != 0f).Min(MathF.Abs);
        Assert.IsTrue(largestPruned <= smallestKept);
        Assert.AreNotSame(before, after, "the original graph is left untouched");
    }

    [TestMethod]
    public void A_layer_percentile_for_a_layer_the_model_lacks_is_refused_by_name()
    {
        var rng = new Random(9);
        ModelGraph graph = TestGraphs.FullyConnected(12, 4, rng);
        Tensor[] batches = [new Tensor(new Shape(8, 12), TestGraphs.Random(rng, 96, 0))];
        var misspelt = new Dictionary<string, double> { ["FC"] = 80 };

        var calibrate = Assert.ThrowsExactly<ArgumentException>(() =>
            Calibrator.Calibrate(graph, batches, new CalibrationOptions { LayerPercentiles = misspelt }));
        var create = Assert.ThrowsExactly<ArgumentException>(() =>
            PrunedModel.Create(graph, new PruningOptions { LayerPercentiles = misspelt }, batches));

        Assert.Contains("'FC' is not a prunable layer of model 'model' (its layers: 'fc')", calibrate.Message);
        Assert.AreEqual(calibrate.Message, create.Message);
    }
}
