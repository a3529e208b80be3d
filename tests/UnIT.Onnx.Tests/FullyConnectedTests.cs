using UnIT.ML.Graph;
using UnIT.Onnx.Protos;
using UnIT.Onnx.Tests.Helpers;
using static UnIT.Onnx.Tests.Helpers.OnnxAttr;

namespace UnIT.Onnx.Tests;

[TestClass]
public sealed class FullyConnectedTests
{
    public static IEnumerable<object[]> CaseNames => ParityCase.Names(Cases());

    [TestMethod]
    [DynamicData(nameof(CaseNames))]
    public void FullyConnectedMatchesOnnxRuntime(string name) => ParityCase.Run(Cases(), name);

    private static byte[] Gemm(int opset, long[] b, long[]? c, params AttributeProto[] attributes)
    {
        var m = new OnnxModelBuilder(opset).Input("x", -1, 12).Initializer("B", b, TestData.Uniform(b, 21));
        if (c is not null)
        {
            m.Initializer("C", c, TestData.Uniform(c, 22));
        }
        return m.Node("Gemm", c is null ? ["x", "B"] : ["x", "B", "C"], ["y"], attributes).Output("y").ToBytes();
    }

    private static OnnxModelBuilder MatMul(int opset, long[] input, int n) =>
        new OnnxModelBuilder(opset).Input("x", input).Initializer("W", [input[^1], n], TestData.Uniform((int)input[^1] * n, 23));

    private static Action<ModelGraph> OneLayer(string opName, bool withBias) => g =>
    {
        Assert.AreEqual(1, g.Nodes.Count, g.Summary());
        var fc = (FullyConnectedNode)g.Nodes[0];
        Assert.AreEqual(opName, fc.OpName);
        Assert.AreEqual(withBias, fc.Bias is not null);
    };

    private static IEnumerable<ParityCase> Cases()
    {
        yield return new("Gemm transB with C [N]", Gemm(13, [5, 12], [5], Int("transB", 1)), [3, 12], Verify: OneLayer("Gemm", true));
        yield return new("Gemm without transB, C [1,N]", Gemm(11, [12, 5], [1, 5]), [3, 12]);
        yield return new("Gemm alpha beta scalar C", Gemm(13, [12, 5], [], Float("alpha", 0.5f), Float("beta", 2f)), [3, 12]);
        yield return new("Gemm alpha beta transB C [1]", Gemm(13, [5, 12], [1], Int("transB", 1), Float("alpha", -1.5f), Float("beta", 0.25f)), [3, 12]);
        yield return new("Gemm without C", Gemm(13, [5, 12], null, Int("transB", 1)), [3, 12], Verify: OneLayer("Gemm", false));
        yield return new("Gemm opset 9", Gemm(9, [5, 12], [5], Int("transB", 1), Float("beta", 0.5f)), [3, 12]);
        yield return new("MatMul alone", MatMul(13, [-1, 12], 5).Node("MatMul", ["x", "W"], ["y"]).Output("y").ToBytes(), [3, 12],
            Verify: OneLayer("MatMul", false));
        yield return new("MatMul + Add bias", MatMul(13, [-1, 12], 5).Initializer("b", [5], TestData.Uniform(5, 24))
            .Node("MatMul", ["x", "W"], ["m"]).Node("Add", ["m", "b"], ["y"]).Output("y").ToBytes(), [3, 12], Verify: OneLayer("MatMul", true));
        yield return new("MatMul + Add bias first, [1,N]", MatMul(17, [-1, 12], 5).Initializer("b", [1, 5], TestData.Uniform(5, 24))
            .Node("MatMul", ["x", "W"], ["m"]).Node("Add", ["b", "m"], ["y"]).Output("y").ToBytes(), [3, 12], Verify: OneLayer("MatMul", true));
        yield return new("MatMul rank-3 input + Add", MatMul(13, [-1, 3, 12], 5).Initializer("b", [5], TestData.Uniform(5, 24))
            .Node("MatMul", ["x", "W"], ["m"]).Node("Add", ["m", "b"], ["y"]).Output("y").ToBytes(), [2, 3, 12], Verify: OneLayer("MatMul", true));
        yield return new("MatMul + Add of a non-bias constant stays element-wise", MatMul(13, [-1, 12], 5).Initializer("b", [1], [0.5f])
            .Node("MatMul", ["x", "W"], ["m"]).Node("Add", ["m", "b"], ["y"]).Output("y").ToBytes(), [3, 12],
            Verify: g => Assert.IsInstanceOfType<ElementwiseNode>(g.Nodes[1]));
        yield return new("MatMul read twice keeps its Add separate", MatMul(13, [-1, 12], 5).Initializer("b", [5], TestData.Uniform(5, 24))
            .Node("MatMul", ["x", "W"], ["m"]).Node("Add", ["m", "b"], ["y"]).Output("y").Output("m").ToBytes(), [3, 12],
            Verify: g => Assert.AreEqual(2, g.Nodes.Count));
        yield return new("Flatten + Gemm", new OnnxModelBuilder(13).Input("x", -1, 2, 3, 4).Initializer("B", [6, 24], TestData.Uniform(144, 25))
            .Node("Flatten", "x", "f").Node("Gemm", ["f", "B"], ["y"], Int("transB", 1)).Output("y").ToBytes(), [4, 2, 3, 4]);
    }
}
