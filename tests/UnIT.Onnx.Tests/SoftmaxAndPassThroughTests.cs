using UnIT.ML.Graph;
using UnIT.Onnx.Tests.Helpers;
using static UnIT.Onnx.Tests.Helpers.OnnxAttr;

namespace UnIT.Onnx.Tests;

[TestClass]
public sealed class SoftmaxAndPassThroughTests
{
    public static IEnumerable<object[]> CaseNames => ParityCase.Names(Cases());

    [TestMethod]
    [DynamicData(nameof(CaseNames))]
    public void MatchesOnnxRuntime(string name) => ParityCase.Run(Cases(), name);

    private static OnnxModelBuilder Classifier(int opset) => new OnnxModelBuilder(opset).Input("x", -1, 12)
        .Initializer("B", [10, 12], TestData.Uniform(120, 61)).Initializer("C", [10], TestData.Uniform(10, 62))
        .Node("Gemm", ["x", "B", "C"], ["logits"], Int("transB", 1));

    private static void OnlyConvAndRelu(ModelGraph g) =>
        CollectionAssert.AreEqual(new[] { "Conv2d", "Relu" }, g.Nodes.Select(n => n.OpName).ToArray(), g.Summary());

    private static OnnxModelBuilder ConvRelu(int opset) => new OnnxModelBuilder(opset).Input("x", -1, 3, 6, 6)
        .Initializer("w", [4, 3, 3, 3], TestData.Uniform(108, 63));

    private static IEnumerable<ParityCase> Cases()
    {
        yield return new("Softmax default axis, opset 11", Classifier(11).Node("Softmax", "logits", "p").Output("p").ToBytes(), [4, 12]);
        yield return new("Softmax default axis, opset 13", Classifier(13).Node("Softmax", "logits", "p").Output("p").ToBytes(), [4, 12]);
        yield return new("Softmax axis 1, opset 21", Classifier(21).Node("Softmax", "logits", "p", Int("axis", 1)).Output("p").ToBytes(), [4, 12]);
        yield return new("Softmax last axis of rank 4", new OnnxModelBuilder(13).Input("x", -1, 2, 3, 5)
            .Node("Softmax", "x", "p", Int("axis", -1)).Output("p").ToBytes(), [2, 2, 3, 5], -3, 3);
        yield return new("Identity between Conv and Relu", ConvRelu(13)
            .Node("Conv", ["x", "w"], ["c"]).Node("Identity", "c", "i").Node("Relu", "i", "y").Output("y").ToBytes(), [2, 3, 6, 6], Verify: OnlyConvAndRelu);
        yield return new("Identity on a weight", ConvRelu(13).Node("Identity", "w", "w2")
            .Node("Conv", ["x", "w2"], ["c"]).Node("Relu", "c", "y").Output("y").ToBytes(), [2, 3, 6, 6], Verify: OnlyConvAndRelu);
        yield return new("Dropout with ratio attribute, opset 9", ConvRelu(9)
            .Node("Conv", ["x", "w"], ["c"]).Node("Dropout", "c", "d", Float("ratio", 0.3f)).Node("Relu", "d", "y").Output("y").ToBytes(), [2, 3, 6, 6], Verify: OnlyConvAndRelu);
        yield return new("Dropout with ratio and training_mode inputs and unused mask, opset 13", ConvRelu(13)
            .Initializer("ratio", [], [0.5f]).Initializer(new Protos.TensorProto { Name = "train", DataType = (int)Protos.TensorProto.Types.DataType.Bool, Int32Data = { 0 } })
            .Node("Conv", ["x", "w"], ["c"]).Node("Dropout", ["c", "ratio", "train"], ["d", "mask"]).Node("Relu", "d", "y").Output("y").ToBytes(), [2, 3, 6, 6], Verify: OnlyConvAndRelu);
        yield return new("Identity at the end keeps the output name", ConvRelu(13)
            .Node("Conv", ["x", "w"], ["c"]).Node("Relu", "c", "r").Node("Identity", "r", "y").Output("y").ToBytes(), [2, 3, 6, 6],
            Verify: g => Assert.AreEqual("y", g.Outputs.Single().Name));
        yield return new("Identity chain at the end keeps the output name", ConvRelu(9)
            .Node("Conv", ["x", "w"], ["c"]).Node("Dropout", "c", "d").Node("Identity", "d", "y").Output("y").ToBytes(), [2, 3, 6, 6],
            Verify: g => Assert.AreEqual("y", g.Outputs.Single().Name));
        yield return new("Identity of a value that is also an output", ConvRelu(13)
            .Node("Conv", ["x", "w"], ["c"]).Node("Relu", "c", "r").Node("Identity", "r", "y").Output("y").Output("r").ToBytes(), [2, 3, 6, 6],
            Verify: g => CollectionAssert.AreEqual(new[] { "r", "r" }, g.Outputs.Select(o => o.Name).ToArray()));
        yield return new("dead branch is dropped", ConvRelu(13)
            .Node("Conv", ["x", "w"], ["c"]).Node("Sigmoid", "c", "unused").Node("Relu", "c", "y").Output("y").ToBytes(), [2, 3, 6, 6], Verify: OnlyConvAndRelu);
    }
}
