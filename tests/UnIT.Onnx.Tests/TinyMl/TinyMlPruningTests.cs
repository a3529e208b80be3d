using UnIT.ML.Division;
using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;
using UnIT.Onnx.Tests.Helpers;

namespace UnIT.Onnx.Tests.TinyMl;

/// <summary>
/// UnIT on the tiny-ML DAGs: calibration, pruned kernels and statistics for every Conv and Gemm wherever it
/// stands (stems, residual branches, shortcuts, depthwise layers, the classifier), in every profile and with
/// every division approximator, on small seeded data.
/// </summary>
[TestClass]
public sealed class TinyMlPruningTests
{
    public TestContext TestContext { get; set; } = null!;

    public static IEnumerable<object[]> ModelsAndProfiles =>
        TinyMlModels.All.Keys.SelectMany(m => TargetProfile.Names.Select(p => new object[] { m, p }));

    public static IEnumerable<object[]> ProfilesAndDivisions =>
        TargetProfile.Names.SelectMany(p => DivisionApproximators.Names.Select(d => new object[] { p, d }));

    [TestMethod]
    [DynamicData(nameof(ModelsAndProfiles))]
    public void PercentileZeroIsTheDenseRunAndFiftySkipsInEveryLayer(string name, string profile)
    {
        TinyMlModel model = TinyMlModels.All[name];
        ModelGraph graph = OnnxImporter.Import(model.Model);
        // The two image models run one sample each to keep the suite fast; the small ones two.
        int samples = model.ExpectedMacs > 5_000_000 ? 1 : 2;
        Tensor calibration = Batch(model, seed: 101, samples), input = Batch(model, seed: 202, samples);

        PrunedModel dense = PrunedModel.Create(graph, new PruningOptions { Percentile = 0, Profile = profile }, [calibration]);
        PrunedModel pruned = PrunedModel.Create(graph, new PruningOptions { Percentile = 50, Profile = profile }, [calibration]);
        var denseStats = new InferenceStatistics();
        var prunedStats = new InferenceStatistics();
        Tensor atZero = dense.Engine.Run(input, denseStats);
        Tensor atFifty = pruned.Engine.Run(input, prunedStats);

        // p = 0 computes what the dense engine of the same numerics computes (msp430: the same Q formats).
        bool fixedPoint = TargetProfile.FromName(profile).Numerics == NumericFormat.FixedPoint16;
        var reference = new InferenceEngine(graph, fixedPoint
            ? new PruningConfiguration { Numerics = NumericFormat.FixedPoint16, Quantization = dense.Thresholds.Quantization }
            : null);
        float[] expected = reference.Run(input).Data;
        CollectionAssert.AreEqual(expected, dense.Engine.Run(input).Data, $"{name}/{profile}: p = 0 differs from the dense run");
        if (fixedPoint)
        {
            CollectionAssert.AreEqual(expected, atZero.Data, $"{name}/{profile}: p = 0 with statistics differs from the dense run");
            // Both calibrations choose the Q formats from the same samples.
            CollectionAssert.AreEquivalent(dense.Thresholds.Quantization!.Values, pruned.Thresholds.Quantization!.Values);
        }
        else
        {
            // Counting MACs takes the pruned kernel, which adds the products in another order than the dense GEMM.
            Parity.AssertClose(expected, atZero.Shape.Dimensions, atZero, $"{name}/{profile}: p = 0 with statistics", tolerance: 1e-5f);
        }
        Assert.IsTrue(atFifty.Data.All(float.IsFinite), $"{name}/{profile}: the pruned run produced a non-finite value");

        AssertCountsAddUp(graph, denseStats, samples, $"{name}/{profile} p=0");
        AssertCountsAddUp(graph, prunedStats, samples, $"{name}/{profile} p=50");
        Assert.AreEqual(0L, denseStats.SkippedThreshold, $"{name}/{profile}: p = 0 skips nothing by threshold");
        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            Assert.IsGreaterThan(0L, prunedStats.For(layer.Name).SkippedThreshold, $"{name}/{profile}: layer '{layer.Name}' skipped nothing at p = 50");
        }
        Assert.IsLessThan(denseStats.Executed, prunedStats.Executed);
        TestContext.WriteLine($"{name} {profile} ({pruned.Division.Name}): p=50 skips {prunedStats.SkippedFraction:P1} of {prunedStats.Total / samples:N0} MACs per sample " +
            $"({prunedStats.SkippedThreshold / samples:N0} by threshold, {prunedStats.SkippedZero / samples:N0} zero); p=0 skips {denseStats.SkippedFraction:P1}");
    }

    [TestMethod]
    [DynamicData(nameof(ProfilesAndDivisions))]
    public void EveryDivisionApproximatorPrunesTheResidualNetworkInEveryProfile(string profile, string division)
    {
        // ResNet-8's topology on 8x8 images: the same residual stacks and shortcuts at 1/16 of the MACs.
        TinyMlModel model = TinyMlModels.ResNet8(side: 8);
        ModelGraph graph = OnnxImporter.Import(model.Model);
        Tensor calibration = Batch(model, seed: 303, samples: 2), input = Batch(model, seed: 404, samples: 2);
        var options = new PruningOptions { Percentile = 50, Profile = profile, Division = division, CalibrateBinaryTree = division == "binarytree" };

        PrunedModel pruned = PrunedModel.Create(graph, options, [calibration]);
        var stats = new InferenceStatistics();
        Tensor output = pruned.Engine.Run(input, stats);

        Assert.AreEqual(division, pruned.Division.Name);
        Assert.IsTrue(output.Data.All(float.IsFinite));
        AssertCountsAddUp(graph, stats, 2, $"{profile}/{division}");
        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            LayerStatistics l = stats.For(layer.Name);
            Assert.IsGreaterThan(0L, l.SkippedThreshold, $"{profile}/{division}: layer '{layer.Name}' skipped nothing");
            Assert.IsGreaterThan(0L, l.Division.Computations, $"{profile}/{division}: layer '{layer.Name}' reports no division work");
        }
    }

    /// <summary>Every layer ran on every sample, and executed + skipped MACs are exactly its dense MACs.</summary>
    private static void AssertCountsAddUp(ModelGraph graph, InferenceStatistics stats, int samples, string context)
    {
        Assert.HasCount(graph.PrunableLayers.Count, stats.Layers, context);
        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            LayerStatistics l = stats.For(layer.Name);
            Assert.AreEqual(samples, l.Samples, $"{context}: layer '{layer.Name}' samples");
            Assert.AreEqual(l.Samples * graph.MacsPerSample(layer), l.Total, $"{context}: layer '{layer.Name}' total");
            Assert.AreEqual(l.Total, l.Executed + l.SkippedZero + l.SkippedThreshold, $"{context}: layer '{layer.Name}' executed + skipped");
        }
        Assert.AreEqual(stats.Samples * graph.TotalMacsPerSample, stats.Total, context);
    }

    private static Tensor Batch(TinyMlModel model, int seed, int samples)
    {
        int size = model.SampleShape.Aggregate(1, (a, b) => a * b);
        return new Tensor(new Shape([samples, .. model.SampleShape]), TestData.Uniform(samples * size, seed));
    }
}
