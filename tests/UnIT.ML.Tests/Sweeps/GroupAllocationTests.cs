using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Sweeps;

namespace UnIT.ML.Tests.Sweeps;

/// <summary>Group-wise search that spreads each layer's level over its groups by equal relative error.</summary>
[TestClass]
public sealed class GroupAllocationTests
{
    [TestMethod]
    public void Equal_error_percentiles_skip_the_level_of_each_layer_in_total_but_not_alike_per_group()
    {
        ModelGraph graph = SweepData.Model;
        ProductHistogram histogram = Calibrator.CalibrateHistogram(graph, SweepData.Calibration, new CalibrationOptions { GroupWise = true });
        ProductHistogram layerWise = Calibrator.CalibrateHistogram(graph, SweepData.Calibration, new CalibrationOptions());
        ThresholdSet zero = histogram.ThresholdsFor(0);

        IReadOnlyDictionary<string, double[]> spread = histogram.EqualErrorPercentiles(60);

        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            double[] p = spread[layer.Name];
            Assert.HasCount(layer.OutputChannels, p);
            Assert.IsTrue(p.All(v => v >= 0 && v <= 100), layer.Name);
            Assert.IsGreaterThan(1.0, p.Max() - p.Min(), $"{layer.Name}: groups get different percentiles");
        }
        // Measured on the calibration data itself: the layer skips about 60% of its nonzero MACs, as the layer-wise level does.
        var model = PrunedModel.Create(graph, new PruningOptions { Thresholds = histogram.ThresholdsForGroups(spread), GroupWise = true }, null);
        var uniform = PrunedModel.Create(graph, new PruningOptions { Thresholds = layerWise.ThresholdsFor(60) }, null);
        var dense = PrunedModel.Create(graph, new PruningOptions { Thresholds = zero, GroupWise = true }, null);
        Tensor images = SweepData.Calibration[0];
        InferenceStatistics spreadStats = new(), uniformStats = new(), denseStats = new();
        model.Engine.Run(images, spreadStats);
        uniform.Engine.Run(images, uniformStats);
        dense.Engine.Run(images, denseStats);
        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            double nonzero = denseStats.For(layer.Name).Executed;
            double a = spreadStats.For(layer.Name).SkippedThreshold / nonzero, b = uniformStats.For(layer.Name).SkippedThreshold / nonzero;
            Assert.AreEqual(b, a, 0.05, $"{layer.Name}: share of nonzero MACs skipped");
        }
        Assert.ThrowsExactly<InvalidOperationException>(() => layerWise.EqualErrorPercentiles(50));
        Assert.IsTrue(histogram.EqualErrorPercentiles(0).Values.All(v => v.All(p => p == 0)));
        Assert.IsTrue(histogram.EqualErrorPercentiles(100).Values.All(v => v.All(p => p == 100)));
    }

    [TestMethod]
    public void Search_with_equal_error_groups_meets_the_limit_with_per_group_thresholds()
    {
        var options = new SearchOptions
        {
            MaxAccuracyDrop = 0.02, Levels = [20, 40, 60, 80], Budget = 15, ConfidenceZ = 0, GroupWise = true,
            GroupAllocation = GroupAllocation.SameRelativeError,
        };

        SearchResult result = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);

        Assert.IsTrue(result.Feasible);
        Assert.IsLessThanOrEqualTo(0.02, result.Validation.AccuracyDrop);
        Assert.IsGreaterThan(0.0, result.Validation.SkippedFraction);
        Assert.IsTrue(result.Trace.All(s => s.Point.Coordinates.Kind != SweepPointKind.Unit), "no state is a plain single percentile");
        foreach (PrunableNode layer in SweepData.Model.PrunableLayers)
        {
            Assert.HasCount(layer.OutputChannels, result.Thresholds.Layers[layer.Name]);
        }
    }
}
