using UnIT.ML.Graph;
using UnIT.Onnx.Tests.Helpers;

namespace UnIT.Onnx.Tests;

[TestClass]
public sealed class ElementwiseTests
{
    public static IEnumerable<object[]> CaseNames => ParityCase.Names(Cases());

    [TestMethod]
    [DynamicData(nameof(CaseNames))]
    public void ElementwiseMatchesOnnxRuntime(string name) => ParityCase.Run(Cases(), name);

    private static readonly Dictionary<string, long[]> ConstantShapes = new()
    {
        ["scalar"] = [],
        ["per channel"] = [3, 1, 1],
        ["full sample"] = [1, 3, 4, 5],
        ["last axis"] = [5],
    };

    private static IEnumerable<ParityCase> Cases()
    {
        int[] shape = [2, 3, 4, 5];
        foreach (string op in new[] { "Add", "Sub", "Mul", "Div" })
        {
            foreach ((string shapeName, long[] dims) in ConstantShapes)
            {
                foreach (bool constantFirst in new[] { false, true })
                {
                    // Inputs and constants stay in [0.5, 2) so c / x is well conditioned.
                    byte[] model = new OnnxModelBuilder(13).Input("x", -1, 3, 4, 5)
                        .Initializer("c", dims, TestData.Uniform(dims, 41, 0.5f, 2f))
                        .Node(op, constantFirst ? ["c", "x"] : ["x", "c"], ["y"]).Output("y").ToBytes();
                    yield return new($"{op} {shapeName} {(constantFirst ? "c op x" : "x op c")}", model, shape, 0.5f, 2f, g =>
                    {
                        var e = (ElementwiseNode)g.Nodes.Single();
                        Assert.AreEqual(constantFirst, e.ConstantFirst);
                        Assert.AreEqual(op, e.Op.ToString());
                    });
                }
            }
        }
        yield return new("normalization with Constant nodes, opset 9", new OnnxModelBuilder(9).Input("x", -1, 1, 6, 6)
            .Constant("mean", OnnxTensors.Scalar("", 0.286f)).Constant("std", OnnxTensors.Scalar("", 0.353f))
            .Node("Sub", ["x", "mean"], ["s"]).Node("Div", ["s", "std"], ["y"]).Output("y").ToBytes(), [3, 1, 6, 6], 0f, 1f);
        yield return new("constant computed from two constants", new OnnxModelBuilder(13).Input("x", -1, 3, 4, 5)
            .Initializer("a", [3, 1, 1], [1f, 2f, 3f]).Initializer("b", [1], [0.5f])
            .Node("Mul", ["a", "b"], ["ab"]).Node("Sub", ["ab", "x"], ["y"]).Output("y").ToBytes(), shape,
            Verify: g => CollectionAssert.AreEqual(new[] { 0.5f, 1f, 1.5f }, ((ElementwiseNode)g.Nodes.Single()).Constant.Data));
        yield return new("Conv + Add of a per-channel constant", new OnnxModelBuilder(13).Input("x", -1, 3, 6, 6)
            .Initializer("w", [4, 3, 3, 3], TestData.Uniform(108, 42)).Initializer("c", [1, 4, 1, 1], TestData.Uniform(4, 43))
            .Node("Conv", ["x", "w"], ["k"]).Node("Add", ["k", "c"], ["y"]).Output("y").ToBytes(), [2, 3, 6, 6]);
    }
}
