using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.Export.Tests;

/// <summary>
/// The UnIT convolutions that search sorted lists (stride 1; msp430 int16 and max78000 float32) against the engine on the
/// geometries they must get right: asymmetric padding, padding wider than the kernel's reach, dilation, groups, a 1x1
/// kernel, negative activations (no Relu before a conv), and a stride-2 conv that keeps the present loop; then (msp430) a
/// fully connected layer with sorted columns (threshold from the exponent table, or exact division at run time); logits
/// and counters bit for bit.
/// </summary>
[TestClass]
public sealed class SortedConvExportTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("msp430", 50.0, null)]
    [DataRow("msp430", 90.0, "exact")]
    [DataRow("max78000", 50.0, null)]
    [DataRow("max78000", 90.0, "exact")]
    public void Stride_one_convolutions_of_every_geometry_and_sorted_fc_columns_equal_the_engine(string profile, double percentile, string? division)
    {
        ModelGraph graph = Geometries(seed: 3);
        Tensor calibration = DagExportTests.Random(graph, 48, seed: 4);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = profile, Percentile = percentile, Division = division }, [calibration]);
        CExportResult export = CExporter.Export(model, new CExportOptions());
        string source = export.Files[CExportResult.SourceFile];
        string suffix = profile == "msp430" ? "q" : "f";
        Assert.AreEqual(4, Count(source, $"unit_conv_sorted_{suffix}(&"), "the four stride-1 convolutions take the sorted-list loop");
        Assert.AreEqual(1, Count(source, $"unit_conv_{suffix}(&"), "the stride-2 convolution keeps the present loop");
        if (profile == "msp430")
        {
            Assert.AreEqual(1, Count(source, "unit_fc_sorted_q(30, 20, "), "the fully connected layer (one threshold) takes sorted columns");
        }

        EngineComparison.Check(model, DagExportTests.Random(graph, 24, seed: 5), 24, dense: false, TestContext);
    }

    [TestMethod]
    [DataRow("msp430", 70.0)]
    [DataRow("msp430", 99.5)]
    [DataRow("max78000", 70.0)]
    public void Skip_compensation_in_every_geometry_equals_the_engine(string profile, double percentile)
    {
        ModelGraph graph = Geometries(seed: 6);
        Tensor calibration = DagExportTests.Random(graph, 48, seed: 7);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = profile, Percentile = percentile, SkipCompensation = true }, [calibration]);
        CExportResult export = CExporter.Export(model, new CExportOptions());
        string source = export.Files[CExportResult.SourceFile];
        Assert.Contains("_comp[", export.Files[CExportResult.DataFile], "the constants are emitted");
        if (profile == "msp430")
        {
            Assert.AreEqual(0, Count(source, "unit_fc_sorted_q(30, 20, "), "sorted columns never visit skipped weights, so compensation takes the tested loop");
            string data = export.Files[CExportResult.DataFile];
            Assert.Contains("unit_grouped_comp_neg[", data, "'grouped' reads the signed output of 'dilated'");
            Assert.DoesNotContain("unit_pointwise_comp_neg[", data, "'pointwise' reads a Relu's output: no negative constants to store");
        }

        EngineComparison.Check(model, DagExportTests.Random(graph, 24, seed: 8), 24, dense: false, TestContext);
    }

    private static int Count(string text, string what) => text.Split(what).Length - 1;

    /// <summary>
    /// dilated 3x3 with asymmetric padding (no Relu after, so the next conv sees negative values); grouped 3x3 with
    /// padding 3 (beyond the kernel's reach); 1x1; stride-2 3x3 (fallback); valid 2x3; then an FC of 20 neurons (sorted columns).
    /// </summary>
    private static ModelGraph Geometries(int seed)
    {
        var p = new SeededParameters(seed);
        Node[] nodes =
        [
            new ConvNode("dilated", "x", "a", p.Weights(4, 2, 3, 3), p.Bias(4), [1, 1], [2, 1], [1, 0], [2, 2], 1),
            new ConvNode("grouped", "a", "b", p.Weights(4, 2, 3, 3), p.Bias(4), [1, 1], [3, 3], [3, 3], [1, 1], 2),
            new ActivationNode("relu", "b", "c", ActivationKind.Relu),
            new ConvNode("pointwise", "c", "d", p.Weights(3, 4, 1, 1), null, [1, 1], [0, 0], [0, 0], [1, 1], 1),
            new ConvNode("strided", "d", "e", p.Weights(3, 3, 3, 3), p.Bias(3), [2, 2], [1, 1], [1, 1], [1, 1], 1),
            new ConvNode("valid", "e", "f", p.Weights(2, 3, 2, 3), p.Bias(2), [1, 1], [0, 0], [0, 0], [1, 1], 1),
            new FlattenNode("flat", "f", "g", 1),
            new FullyConnectedNode("fc", "g", "y", p.Weights(20, 2 * 5 * 3), new float[20]),
        ];
        return new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 2, 9, 8)), nodes, ["y"], "geometries");
    }
}
