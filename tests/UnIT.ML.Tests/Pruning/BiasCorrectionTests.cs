using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.Kernels;
using UnIT.ML.Tests.Sweeps;

namespace UnIT.ML.Tests.Pruning;

/// <summary>Bias correction puts back the mean of the skipped MACs, travels with the thresholds, and is refused when it cannot be made.</summary>
[TestClass]
public sealed class BiasCorrectionTests
{
    private static Tensor Inputs(Random rng, int samples, int k) =>
        new(new Shape(samples, k), TestGraphs.Random(rng, samples * k, 0.2).Select(MathF.Abs).ToArray());

    [TestMethod]
    public void Correction_of_a_fully_connected_layer_is_the_mean_of_its_skipped_products()
    {
        var rng = new Random(11);
        ModelGraph graph = TestGraphs.FullyConnected(24, 5, rng);
        Tensor x = Inputs(rng, 64, 24);

        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Percentile = 60, BiasCorrection = true }, [x]);

        // Plain reference: the exact-division skip rule of the FC layer (C = x), |w| <= T / |x| skips.
        var fc = (FullyConnectedNode)graph.PrunableLayers[0];
        float t = model.Thresholds.Layers["fc"][0];
        for (int j = 0; j < 5; j++)
        {
            double skipped = 0;
            for (int s = 0; s < 64; s++)
            {
                for (int i = 0; i < 24; i++)
                {
                    float xi = x.Data[s * 24 + i], w = fc.Weight.Data[j * 24 + i];
                    if (xi != 0 && w != 0 && MathF.Abs(w) <= t / MathF.Abs(xi))
                    {
                        skipped += (double)xi * w;
                    }
                }
            }
            Assert.AreEqual(skipped / 64, model.Thresholds.BiasCorrections!["fc"][j], 1e-5, $"neuron {j}");
        }
        Assert.IsTrue(model.Thresholds.BiasCorrections!["fc"].Any(c => Math.Abs(c) > 1e-3), "p = 60 skips something that does not average out");
    }

    [TestMethod]
    public void Corrected_outputs_differ_from_uncorrected_ones_by_the_correction_and_zero_thresholds_drop_it()
    {
        var rng = new Random(12);
        ModelGraph graph = TestGraphs.FullyConnected(16, 4, rng);
        Tensor x = Inputs(rng, 32, 16);
        PrunedModel corrected = PrunedModel.Create(graph, new PruningOptions { Percentile = 70, BiasCorrection = true }, [x]);
        PrunedModel plain = corrected.WithThresholds(corrected.Thresholds with { BiasCorrections = null });

        float[] a = corrected.Engine.Run(x).Data, b = plain.Engine.Run(x).Data;

        float[] c = corrected.Thresholds.BiasCorrections!["fc"];
        for (int i = 0; i < a.Length; i++)
        {
            Assert.AreEqual(b[i] + c[i % 4], a[i], 1e-5);
        }
        // Other thresholds bring their own corrections (here none): the model does not keep the old ones.
        CollectionAssert.AreEqual(graph.PrunableLayers[0].Bias, corrected.WithThresholds(ThresholdSet.Zero(graph)).Graph.PrunableLayers[0].Bias);
    }

    [TestMethod]
    public void Dense_thresholds_need_no_correction()
    {
        var rng = new Random(13);
        ModelGraph graph = TestGraphs.FullyConnected(16, 4, rng);

        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Percentile = 0, BiasCorrection = true }, [Inputs(rng, 32, 16)]);

        Assert.IsTrue(model.Thresholds.BiasCorrections!["fc"].All(c => Math.Abs(c) < 1e-5));
    }

    [TestMethod]
    [DataRow("float32")]
    [DataRow("msp430")]
    public void On_the_trained_model_every_layer_is_unbiased_on_the_calibration_data(string profile)
    {
        ModelGraph graph = SweepData.Model;
        IReadOnlyList<Tensor> calibration = SweepData.Calibration;
        PrunedModel corrected = PrunedModel.Create(graph, new PruningOptions { Percentile = 70, Profile = profile, BiasCorrection = true }, calibration);
        PrunedModel plain = corrected.WithThresholds(corrected.Thresholds with { BiasCorrections = null });
        Dictionary<string, double[]> dense = LayerMeans(new UnIT.ML.Engine.InferenceEngine(graph), calibration);

        // Largest mean error over the channels of each layer, relative to the largest dense mean of the layer.
        double[] Errors(PrunedModel m)
        {
            Dictionary<string, double[]> pruned = LayerMeans(m.Engine, calibration);
            return graph.PrunableLayers.Select(l => dense[l.Name].Zip(pruned[l.Name], (d, p) => Math.Abs(d - p)).Max() / dense[l.Name].Max(Math.Abs)).ToArray();
        }

        double[] before = Errors(plain), after = Errors(corrected);
        for (int l = 0; l < before.Length; l++)
        {
            // Fixed point: the corrected bias is rounded to the layer's output grid.
            Assert.IsLessThan(profile == "msp430" ? 0.01 : 2e-3, after[l], $"layer {l}: relative mean error after correction (before: {before[l]})");
            Assert.IsGreaterThan(5 * after[l], before[l], $"layer {l}: the correction removes most of the mean error");
        }
    }

    /// <summary>Each prunable layer's mean output per channel over the samples and positions, from a plain loop.</summary>
    private static Dictionary<string, double[]> LayerMeans(UnIT.ML.Engine.InferenceEngine engine, IReadOnlyList<Tensor> batches)
    {
        var watcher = new LayerOutputs(engine.Graph);
        foreach (Tensor batch in batches)
        {
            engine.RunObserved(batch, watcher);
        }
        return watcher.Means();
    }

    private sealed class LayerOutputs(ModelGraph graph) : UnIT.ML.Engine.IEngineObserver
    {
        private readonly Dictionary<string, (PrunableNode Layer, double[] Sums, long[] Counts)> _byOutput =
            graph.PrunableLayers.ToDictionary(l => l.Output, l => (l, new double[l.OutputChannels], new long[l.OutputChannels]));

        public void OnLayerInput(PrunableNode layer, float[] input, Shape shape)
        {
        }

        public void OnValue(string name, float[] data)
        {
            if (!_byOutput.TryGetValue(name, out var entry))
            {
                return;
            }
            int channels = entry.Layer.OutputChannels;
            for (int i = 0; i < data.Length; i++)
            {
                int c = entry.Layer is ConvNode ? i / (data.Length / channels) : i % channels;
                entry.Sums[c] += data[i];
                entry.Counts[c]++;
            }
        }

        public Dictionary<string, double[]> Means() =>
            _byOutput.Values.ToDictionary(e => e.Layer.Name, e => e.Sums.Zip(e.Counts, (s, n) => s / n).ToArray());
    }

    [TestMethod]
    public void Corrections_round_trip_through_json_and_bad_ones_are_refused_naming_the_layer()
    {
        var rng = new Random(14);
        ModelGraph graph = TestGraphs.FullyConnected(8, 3, rng);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Percentile = 50, BiasCorrection = true }, [Inputs(rng, 16, 8)]);

        ThresholdSet loaded = ThresholdSet.FromJson(model.Thresholds.ToJson());

        CollectionAssert.AreEqual(model.Thresholds.BiasCorrections!["fc"], loaded.BiasCorrections!["fc"]);
        string json = model.Thresholds.ToJson();
        string nan = json.Replace($"\"bias_corrections\": {{\n    \"fc\": [\n      ", "\"bias_corrections\": {\n    \"fc\": [\n      \"NaN\", ");
        Assert.AreNotEqual(json, nan, "the test edits the corrections");
        StringAssert.Contains(Assert.ThrowsExactly<FormatException>(() => ThresholdSet.FromJson(nan)).Message, "'fc' has bias correction NaN");
        ThresholdSet wrongCount = model.Thresholds with { BiasCorrections = new() { ["fc"] = [1f, 2f] } };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => wrongCount.Validate(graph, false)).Message, "'fc' has 3 output channels but 2 bias corrections");
        ThresholdSet stray = model.Thresholds with { BiasCorrections = new() { ["conv9"] = [1f] } };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => stray.Validate(graph, false)).Message, "bias corrections for 'conv9'");
    }

    [TestMethod]
    public void Correction_without_calibration_data_is_refused_unless_the_thresholds_carry_it()
    {
        var rng = new Random(15);
        ModelGraph graph = TestGraphs.FullyConnected(8, 3, rng);
        ThresholdSet explicitSet = ThresholdSet.Explicit(new Dictionary<string, float> { ["fc"] = 0.05f });

        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            PrunedModel.Create(graph, new PruningOptions { Thresholds = explicitSet, BiasCorrection = true }, null));
        StringAssert.Contains(e.Message, "calibration samples");

        ThresholdSet carried = explicitSet with { BiasCorrections = new() { ["fc"] = [0.5f, 0f, -0.5f] } };
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Thresholds = carried, BiasCorrection = true }, null);
        Assert.AreEqual(graph.PrunableLayers[0].Bias![0] + 0.5f, model.Graph.PrunableLayers[0].Bias![0]);
    }
}
