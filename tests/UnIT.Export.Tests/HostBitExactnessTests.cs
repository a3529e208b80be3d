using System.Globalization;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.Onnx;

namespace UnIT.Export.Tests;

/// <summary>
/// The generated C, compiled with the machine's C compiler and run on real test images, against the C# engine of the
/// same configuration: logits identical bit for bit (msp430: int16 fixed point; max78000: float32 built with
/// -ffp-contract=off, same summation order) and the same MAC counters per layer. Without a C compiler these fail under
/// CI=true and are Inconclusive elsewhere. UNIT_EXPORT_HOST_IMAGES sets how many images (default 200).
/// </summary>
[TestClass]
public sealed class HostBitExactnessTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("mnist", "msp430", null, false, false)]
    [DataRow("fashion", "msp430", "binarytree", true, true)]
    [DataRow("mnist", "msp430", "exact", true, false)]
    [DataRow("mnist", "max78000", null, true, true)]
    [DataRow("fashion", "max78000", "bitshift", false, false)]
    public void Generated_C_equals_the_engine_on_test_images(string dataset, string profile, string? division, bool groupWise, bool corrected)
    {
        (ModelGraph graph, SampleSet test, SampleSet calibration) = Assets.Load(dataset, Images);
        // "corrected": bias correction and skip compensation, both carried by the thresholds into the generated C.
        PrunedModel model = PrunedModel.Create(graph,
            new PruningOptions { Profile = profile, Percentile = 50, Division = division, GroupWise = groupWise, BiasCorrection = corrected, SkipCompensation = corrected },
            calibration.Batches(graph.Input.Shape, 256));

        CheckAgainstEngine(model, test, dense: false);
    }

    [TestMethod]
    [DataRow("fashion", "msp430")]
    public void Dense_variant_runs_every_MAC_and_equals_the_engine_at_T_zero(string dataset, string profile)
    {
        (ModelGraph graph, SampleSet test, SampleSet calibration) = Assets.Load(dataset, Images);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = profile, Percentile = 50 }, calibration.Batches(graph.Input.Shape, 256));

        CheckAgainstEngine(model.WithThresholds(ThresholdSet.Zero(graph)), test, dense: true);
    }

    [TestMethod]
    [DataRow("fashion", "msp430", true)]
    [DataRow("mnist", "max78000", false)]
    public void Layers_run_by_the_dense_loop_in_a_pruned_build_equal_the_engine(string dataset, string profile, bool corrected)
    {
        (ModelGraph graph, SampleSet test, SampleSet calibration) = Assets.Load(dataset, Images);
        IReadOnlyList<Tensor> batches = calibration.Batches(graph.Input.Shape, 256).ToList();
        PrunedModel model = PrunedModel.Create(graph,
            new PruningOptions { Profile = profile, Percentile = 50, BiasCorrection = corrected, SkipCompensation = corrected }, batches);
        // The first and the last layer: a convolution and a fully connected layer.
        PrunedModel dense = KernelChoice.RunDense(model, [graph.PrunableLayers[0].Name, graph.PrunableLayers[^1].Name], batches);

        CExportResult export = EngineComparison.Check(dense, test.ToTensor(graph.Input.Shape), test.Count, dense: false, TestContext);

        StringAssert.Contains(export.Files[CExportResult.SourceFile], $"dense loop where cheaper: {graph.PrunableLayers[0].Name}, {graph.PrunableLayers[^1].Name}");
    }

    private static int Images => int.TryParse(Environment.GetEnvironmentVariable("UNIT_EXPORT_HOST_IMAGES"), CultureInfo.InvariantCulture, out int n) ? n : 200;

    private void CheckAgainstEngine(PrunedModel model, SampleSet test, bool dense) =>
        EngineComparison.Check(model, test.ToTensor(model.Graph.Input.Shape), test.Count, dense, TestContext);
}
