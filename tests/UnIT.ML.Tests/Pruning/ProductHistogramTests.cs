using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.Kernels;
using UnIT.ML.Tests.Sweeps;

namespace UnIT.ML.Tests.Pruning;

/// <summary>Thresholds from one kept calibration pass equal a fresh calibration bit for bit, for any percentile.</summary>
[TestClass]
public sealed class ProductHistogramTests
{
    private static readonly double[] Percentiles = [0, 7, 55, 100, 0.001, 33.3, 62.5, 99.5];

    /// <summary>Same JSON (floats written round-trip exactly) and the same bits in every threshold and rank value.</summary>
    private static void AssertSame(ThresholdSet fresh, ThresholdSet reused, string what)
    {
        Assert.AreEqual(fresh.ToJson(), reused.ToJson(), what);
        foreach ((string layer, float[] t) in fresh.Layers)
        {
            CollectionAssert.AreEqual(t.Select(BitConverter.SingleToUInt32Bits).ToArray(), reused.Layers[layer].Select(BitConverter.SingleToUInt32Bits).ToArray(), $"{what}, {layer}");
            CollectionAssert.AreEqual(fresh.RankValues![layer].Select(BitConverter.SingleToUInt32Bits).ToArray(),
                reused.RankValues![layer].Select(BitConverter.SingleToUInt32Bits).ToArray(), $"{what}, {layer} rank values");
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Every_percentile_from_one_pass_equals_a_fresh_calibration_on_the_trained_model(bool groupWise)
    {
        ModelGraph graph = SweepData.Model;
        IReadOnlyList<Tensor> calibration = SweepData.Calibration;
        ProductHistogram histogram = Calibrator.CalibrateHistogram(graph, calibration, new CalibrationOptions { GroupWise = groupWise });
        // Group-wise fresh calibrations cost more; the four that matter most there.
        double[] percentiles = groupWise ? Percentiles[..4] : Percentiles;

        IReadOnlyList<ThresholdSet> reused = histogram.ThresholdsFor(percentiles);

        Assert.IsTrue(histogram.Scans <= 2, $"{histogram.Scans} scans for {percentiles.Length} percentiles");
        for (int i = 0; i < percentiles.Length; i++)
        {
            ThresholdSet fresh = Calibrator.Calibrate(graph, calibration, new CalibrationOptions { Percentile = percentiles[i], GroupWise = groupWise });
            AssertSame(fresh, reused[i], $"p = {percentiles[i]}");
        }
        int scans = histogram.Scans;
        histogram.ThresholdsFor(55);
        Assert.AreEqual(scans, histogram.Scans, "a percentile asked before needs no scan");
    }

    [TestMethod]
    public void Per_layer_percentiles_equal_a_fresh_calibration_with_the_same_overrides()
    {
        ModelGraph graph = SweepData.Model;
        string[] layers = graph.PrunableLayers.Select(l => l.Name).ToArray();
        var overrides = new Dictionary<string, double> { [layers[0]] = 7, [layers[^1]] = 91.25 };
        ProductHistogram histogram = Calibrator.CalibrateHistogram(graph, SweepData.Calibration, new CalibrationOptions());

        AssertSame(Calibrator.Calibrate(graph, SweepData.Calibration, new CalibrationOptions { Percentile = 40, LayerPercentiles = overrides }),
            histogram.ThresholdsFor(40, overrides), "per-layer overrides");
    }

    [TestMethod]
    public void Fixed_point_integer_thresholds_equal_a_fresh_integer_calibration()
    {
        ModelGraph graph = SweepData.Model;
        QuantizationPlan plan = Calibrator.CalibrateQuantization(graph, SweepData.Calibration);
        ProductHistogram histogram = Calibrator.CalibrateHistogram(graph, SweepData.Calibration, new CalibrationOptions { FixedPoint = plan });
        double[] percentiles = [0, 7, 55, 100];

        IReadOnlyList<ThresholdSet> reused = histogram.ThresholdsFor(percentiles);

        Assert.IsTrue(histogram.FixedPoint);
        for (int i = 0; i < percentiles.Length; i++)
        {
            ThresholdSet fresh = Calibrator.Calibrate(graph, SweepData.Calibration, new CalibrationOptions { Percentile = percentiles[i], FixedPoint = plan });
            AssertSame(fresh, reused[i], $"msp430 p = {percentiles[i]}");
            foreach ((string layer, int[] q) in fresh.QuantizedLayers!)
            {
                CollectionAssert.AreEqual(q, reused[i].QuantizedLayers![layer], $"p = {percentiles[i]}, {layer}");
            }
        }
    }

    [TestMethod]
    public void Group_percentiles_take_each_channel_from_the_calibration_at_its_own_percentile()
    {
        var rng = new Random(4);
        ModelGraph graph = TestGraphs.Conv(1, 4, 8, 8, 6, 3, 3, [1, 1], [1, 0], [0, 1], [1, 1], 2, rng);
        Tensor[] batches = [new Tensor(graph.Input.Shape.WithBatch(3), TestGraphs.Random(rng, 3 * graph.InputSampleSize, 0.2))];
        double[] perChannel = [0, 7, 55, 100, 12.5, 80];
        ProductHistogram histogram = Calibrator.CalibrateHistogram(graph, batches, new CalibrationOptions { GroupWise = true });

        ThresholdSet set = histogram.ThresholdsForGroups(new Dictionary<string, double[]> { ["conv"] = perChannel });

        Assert.AreEqual("search", set.Method);
        for (int m = 0; m < perChannel.Length; m++)
        {
            ThresholdSet fresh = Calibrator.Calibrate(graph, batches, new CalibrationOptions { Percentile = perChannel[m], GroupWise = true });
            Assert.AreEqual(BitConverter.SingleToUInt32Bits(fresh.Layers["conv"][m]), BitConverter.SingleToUInt32Bits(set.Layers["conv"][m]), $"channel {m}");
        }
    }

    [TestMethod]
    public void Next_larger_product_is_found_across_buckets_and_ties_stay_skipped()
    {
        // Products 1, 1, 1, 4 (exact powers of two sit in different top buckets), and one far above.
        ModelGraph graph = TestGraphs.FullyConnected(5, 1, new Random(1));
        Array.Fill(graph.PrunableLayers[0].Weight.Data, 1f);
        var batches = new[] { new Tensor(graph.Input.Shape.WithBatch(1), [1f, 1f, 1f, 4f, 1024f]) };
        ProductHistogram histogram = Calibrator.CalibrateHistogram(graph, batches, new CalibrationOptions());

        foreach (double p in new double[] { 20, 60, 61, 80, 100 })
        {
            AssertSame(Calibrator.Calibrate(graph, batches, new CalibrationOptions { Percentile = p }), histogram.ThresholdsFor(p), $"p = {p}");
        }
        Assert.AreEqual(2.5f, histogram.ThresholdsFor(60).Layers["fc"][0], "midway from the tied 1s to 4");
    }

    [TestMethod]
    public void Bad_queries_name_the_problem()
    {
        ModelGraph graph = TestGraphs.FullyConnected(5, 2, new Random(1));
        ProductHistogram histogram = Calibrator.CalibrateHistogram(graph, [new Tensor(graph.Input.Shape.WithBatch(1), [1f, 2f, 3f, 4f, 5f])], new CalibrationOptions());

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => histogram.ThresholdsFor(100.5));
        var unknown = Assert.ThrowsExactly<ArgumentException>(() => histogram.ThresholdsFor(10, new Dictionary<string, double> { ["nope"] = 5 }));
        StringAssert.Contains(unknown.Message, "'nope'");
        var count = Assert.ThrowsExactly<ArgumentException>(() => histogram.ThresholdsForGroups(new Dictionary<string, double[]> { ["fc"] = [1, 2, 3] }));
        StringAssert.Contains(count.Message, "'fc' needs 1 percentile");
        Assert.ThrowsExactly<ArgumentException>(() => Calibrator.CalibrateHistogram(graph, [], new CalibrationOptions()));
    }
}
