using UnIT.ML.Graph;
using UnIT.ML.Shift;
using UnIT.ML.Sweeps;

namespace UnIT.ML.Tests.Sweeps;

/// <summary>A model without a convolution or fully connected layer has no MACs to skip: every tool that varies thresholds refuses it.</summary>
[TestClass]
public sealed class NothingToPruneTests
{
    private static readonly ModelGraph ReluOnly = new(new ValueInfo("x", new Shape(Shape.Dynamic, 1, 2, 5)),
        [new ActivationNode("relu", "x", "y", ActivationKind.Relu)], ["y"], "relu_only");

    private static readonly Tensor Images = new(new Shape(6, 1, 2, 5), Enumerable.Range(0, 60).Select(i => (i % 7) / 7f).ToArray());

    private static readonly int[] Labels = [0, 1, 2, 3, 4, 5];

    public static IEnumerable<object[]> Tools =>
    [
        ["sweep", (Action)(() => Sweep.Run(ReluOnly, [Images], Images, Labels, new SweepGrid()))],
        ["search", (Action)(() => ThresholdSearch.Run(ReluOnly, [Images], Images, Labels, new SearchOptions()))],
        ["compare", (Action)(() => Comparison.Run(ReluOnly, [Images], Images, Labels, Images, Labels, new ComparisonOptions()))],
        ["shift", (Action)(() => ShiftComparison.Run(ReluOnly, [Images], Images, Labels, new ShiftOptions()))],
    ];

    [TestMethod]
    [DynamicData(nameof(Tools))]
    public void The_tool_refuses_the_model_by_name(string tool, Action run)
    {
        var e = Assert.ThrowsExactly<ArgumentException>(run, tool);

        Assert.Contains("Model 'relu_only' has no convolution or fully connected layer", e.Message, tool);
    }
}
