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
        AssertSkipsAsTheLayerLevel(histogram.ThresholdsForGroups(spread), layerWise, zero, 60);
        Assert.ThrowsExactly<InvalidOperationException>(() => layerWise.EqualErrorPercentiles(50));
        Assert.IsTrue(histogram.EqualErrorPercentiles(0).Values.All(v => v.All(p => p == 0)));
        Assert.IsTrue(histogram.EqualErrorPercentiles(100).Values.All(v => v.All(p => p == 100)));
    }

    /// <summary>Measured on the calibration data itself: each layer skips about the level's share of its nonzero MACs, as the layer-wise level does.</summary>
    private static void AssertSkipsAsTheLayerLevel(ThresholdSet groups, ProductHistogram layerWise, ThresholdSet zero, double level)
    {
        ModelGraph graph = SweepData.Model;
        var model = PrunedModel.Create(graph, new PruningOptions { Thresholds = groups, GroupWise = true }, null);
        var uniform = PrunedModel.Create(graph, new PruningOptions { Thresholds = layerWise.ThresholdsFor(level) }, null);
        var dense = PrunedModel.Create(graph, new PruningOptions { Thresholds = zero, GroupWise = true }, null);
        Tensor images = SweepData.Calibration[0];
        InferenceStatistics groupStats = new(), uniformStats = new(), denseStats = new();
        model.Engine.Run(images, groupStats);
        uniform.Engine.Run(images, uniformStats);
        dense.Engine.Run(images, denseStats);
        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            double nonzero = denseStats.For(layer.Name).Executed;
            double a = groupStats.For(layer.Name).SkippedThreshold / nonzero, b = uniformStats.For(layer.Name).SkippedThreshold / nonzero;
            Assert.AreEqual(b, a, 0.05, $"{layer.Name}: share of nonzero MACs skipped");
        }
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

    [TestMethod]
    public void Sensitivity_percentiles_skip_the_level_in_total_with_thresholds_inverse_to_the_root_of_the_sensitivity()
    {
        ModelGraph graph = SweepData.Model;
        ProductHistogram histogram = Calibrator.CalibrateHistogram(graph, SweepData.Calibration, new CalibrationOptions { GroupWise = true });
        ProductHistogram layerWise = Calibrator.CalibrateHistogram(graph, SweepData.Calibration, new CalibrationOptions());
        // Made-up sensitivities spanning a factor of 100 within each layer.
        Dictionary<string, double[]> f = graph.PrunableLayers.ToDictionary(l => l.Name,
            l => Enumerable.Range(0, l.OutputChannels).Select(g => Math.Pow(100, (double)g / (l.OutputChannels - 1))).ToArray());

        IReadOnlyDictionary<string, double[]> spread = histogram.SensitivityPercentiles(60, f);
        ThresholdSet set = histogram.ThresholdsForGroups(spread);

        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            // T sqrt(F) is one lambda per layer, up to the bucket resolution and the nearest rank of each group.
            double[] scaled = set.Layers[layer.Name].Select((t, g) => t * Math.Sqrt(f[layer.Name][g])).Where(v => v > 0).ToArray();
            Assert.IsLessThan(1.1, scaled.Max() / scaled.Min(), $"{layer.Name}: T sqrt(F) from {scaled.Min()} to {scaled.Max()}");
            Assert.IsGreaterThan(spread[layer.Name][^1], spread[layer.Name][0], $"{layer.Name}: the least sensitive group skips more");
        }
        AssertSkipsAsTheLayerLevel(set, layerWise, histogram.ThresholdsFor(0), 60);
    }

    [TestMethod]
    public void Sensitivity_percentiles_take_the_level_alike_without_sensitivities_and_refuse_a_bad_list()
    {
        ModelGraph graph = SweepData.Model;
        ProductHistogram histogram = Calibrator.CalibrateHistogram(graph, SweepData.Calibration, new CalibrationOptions { GroupWise = true });
        Dictionary<string, double[]> zero = graph.PrunableLayers.ToDictionary(l => l.Name, l => new double[l.OutputChannels]);

        Assert.IsTrue(histogram.SensitivityPercentiles(40, zero).Values.All(p => p.All(v => v == 40)));
        Dictionary<string, double[]> deadFirst = graph.PrunableLayers.ToDictionary(l => l.Name, l => Enumerable.Range(0, l.OutputChannels).Select(g => g == 0 ? 0.0 : 1.0).ToArray());
        Assert.IsTrue(histogram.SensitivityPercentiles(40, deadFirst).Values.All(p => p[0] == 100), "a group the output ignores skips everything");
        Dictionary<string, double[]> shortList = graph.PrunableLayers.ToDictionary(l => l.Name, l => new double[1]);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => histogram.SensitivityPercentiles(40, shortList)).Message, "'/conv1/Conv' needs 6 finite sensitivities");
        Assert.ThrowsExactly<InvalidOperationException>(() =>
            Calibrator.CalibrateHistogram(graph, SweepData.Calibration, new CalibrationOptions()).SensitivityPercentiles(40, zero));
    }

    [TestMethod]
    public void Search_with_sensitivity_groups_and_bias_correction_meets_the_limit_and_returns_its_corrections()
    {
        var options = new SearchOptions
        {
            MaxAccuracyDrop = 0.02, Levels = [20, 40, 60, 80], Budget = 12, ConfidenceZ = 0, GroupWise = true,
            GroupAllocation = GroupAllocation.Sensitivity, BiasCorrection = true,
        };

        SearchResult result = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);

        Assert.IsTrue(result.Feasible);
        Assert.IsLessThanOrEqualTo(0.02, result.Validation.AccuracyDrop);
        Assert.IsTrue(result.Trace.All(s => s.Point.Coordinates.BiasCorrection), "every state ran corrected");
        Assert.IsNotNull(result.Thresholds.BiasCorrections);
        // The returned set reproduces the validation figures without calibration data.
        var model = PrunedModel.Create(SweepData.Model, new PruningOptions { Thresholds = result.Thresholds, GroupWise = true }, null);
        double accuracy = UnIT.ML.Evaluation.Evaluator.Evaluate(model, SweepData.Images, SweepData.Labels).Pruned.Accuracy;
        Assert.AreEqual(result.Validation.Accuracy, accuracy, 1e-12);
    }
}
