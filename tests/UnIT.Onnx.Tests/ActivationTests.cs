using UnIT.ML.Graph;
using UnIT.Onnx.Protos;
using UnIT.Onnx.Tests.Helpers;
using static UnIT.Onnx.Tests.Helpers.OnnxAttr;

namespace UnIT.Onnx.Tests;

[TestClass]
public sealed class ActivationTests
{
    public static IEnumerable<object[]> CaseNames => ParityCase.Names(Cases());

    [TestMethod]
    [DynamicData(nameof(CaseNames))]
    public void ActivationMatchesOnnxRuntime(string name) => ParityCase.Run(Cases(), name);

    private static byte[] Unary(int opset, string op, params AttributeProto[] attributes) =>
        new OnnxModelBuilder(opset).Input("x", -1, 3, 4, 5).Node(op, "x", "y", attributes).Output("y").ToBytes();

    private static Action<ModelGraph> Clip(float min, float max) => g =>
    {
        var a = (ActivationNode)g.Nodes.Single();
        Assert.AreEqual(ActivationKind.Clip, a.Kind);
        Assert.AreEqual(min, a.Min);
        Assert.AreEqual(max, a.Max);
    };

    private static IEnumerable<ParityCase> Cases()
    {
        int[] shape = [2, 3, 4, 5];
        yield return new("Relu", Unary(13, "Relu"), shape, -3, 3);
        yield return new("LeakyRelu default alpha", Unary(9, "LeakyRelu"), shape, -3, 3);
        yield return new("LeakyRelu alpha 0.2", Unary(16, "LeakyRelu", Float("alpha", 0.2f)), shape, -3, 3,
            g => Assert.AreEqual(0.2f, ((ActivationNode)g.Nodes[0]).Alpha));
        yield return new("Sigmoid", Unary(13, "Sigmoid"), shape, -6, 6);
        yield return new("Tanh", Unary(13, "Tanh"), shape, -3, 3);
        yield return new("Clip attributes, opset 9", Unary(9, "Clip", Float("min", -0.5f), Float("max", 0.75f)), shape, -2, 2, Clip(-0.5f, 0.75f));
        yield return new("Clip only max attribute, opset 10", Unary(10, "Clip", Float("max", 0.5f)), shape, -2, 2, Clip(float.NegativeInfinity, 0.5f));
        yield return new("Clip min and max inputs, opset 11",
            new OnnxModelBuilder(11).Input("x", -1, 3, 4, 5).Initializer(OnnxTensors.Scalar("lo", -0.25f)).Initializer(OnnxTensors.Scalar("hi", 0.5f))
                .Node("Clip", ["x", "lo", "hi"], ["y"]).Output("y").ToBytes(), shape, -2, 2, Clip(-0.25f, 0.5f));
        yield return new("Relu6 as Clip with Constant nodes, opset 13",
            new OnnxModelBuilder(13).Input("x", -1, 3, 4, 5).Constant("zero", OnnxTensors.Scalar("", 0f)).Constant("six", OnnxTensors.Scalar("", 6f))
                .Node("Clip", ["x", "zero", "six"], ["y"]).Output("y").ToBytes(), shape, -9, 9, Clip(0f, 6f));
        yield return new("Clip absent min (empty name), opset 13",
            new OnnxModelBuilder(13).Input("x", -1, 3, 4, 5).Initializer(OnnxTensors.Scalar("hi", 0.5f))
                .Node("Clip", ["x", "", "hi"], ["y"]).Output("y").ToBytes(), shape, -2, 2, Clip(float.NegativeInfinity, 0.5f));
        yield return new("Clip only min, opset 21",
            new OnnxModelBuilder(21).Input("x", -1, 3, 4, 5).Initializer(OnnxTensors.Scalar("lo", 0.1f))
                .Node("Clip", ["x", "lo"], ["y"]).Output("y").ToBytes(), shape, -2, 2, Clip(0.1f, float.PositiveInfinity));
        yield return new("Clip without bounds, opset 13", Unary(13, "Clip"), shape, -2, 2, Clip(float.NegativeInfinity, float.PositiveInfinity));
    }
}
