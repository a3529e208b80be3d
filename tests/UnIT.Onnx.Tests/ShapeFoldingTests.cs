using UnIT.ML.Graph;
using UnIT.Onnx.Tests.Helpers;
using static UnIT.Onnx.Tests.Helpers.OnnxAttr;
using DataType = UnIT.Onnx.Protos.TensorProto.Types.DataType;

namespace UnIT.Onnx.Tests;

/// <summary>Flatten, Reshape and the shape computations exporters write before Reshape.</summary>
[TestClass]
public sealed class ShapeFoldingTests
{
    public static IEnumerable<object[]> CaseNames => ParityCase.Names(Cases());

    [TestMethod]
    [DynamicData(nameof(CaseNames))]
    public void ReshapeAndFlattenMatchOnnxRuntime(string name) => ParityCase.Run(Cases(), name);

    [TestMethod]
    public void ShapeGatherUnsqueezeConcatChainFoldsToOneReshape()
    {
        ModelGraph g = OnnxImporter.Import(ViewBatchMinusOne(9).ToBytes());
        var reshape = (ReshapeNode)g.Nodes.Single();
        CollectionAssert.AreEqual(new long[] { 0, -1 }, reshape.Target);
        Assert.AreEqual(new Shape(Shape.Dynamic, 60), g.Outputs[0].Shape);
    }

    /// <summary>x.view(x.size(0), -1) as the legacy PyTorch exporter writes it.</summary>
    private static OnnxModelBuilder ViewBatchMinusOne(int opset)
    {
        var b = new OnnxModelBuilder(opset).Input("x", -1, 3, 4, 5)
            .Node("Shape", "x", "s")
            .Constant("zero", OnnxTensors.Int64("", [], [0]))
            .Node("Gather", ["s", "zero"], ["n"], Int("axis", 0))
            .Constant("minus1", OnnxTensors.Int64("", [1], [-1]));
        b = opset < 13
            ? b.Node("Unsqueeze", "n", "n1", Ints("axes", 0))
            : b.Int64Initializer("axes0", [1], [0]).Node("Unsqueeze", ["n", "axes0"], ["n1"]);
        return b.Node("Concat", ["n1", "minus1"], ["target"], Int("axis", 0))
            .Node("Reshape", ["x", "target"], ["y"]).Output("y");
    }

    private static OnnxModelBuilder ThenGemm(OnnxModelBuilder b, string input, int k) => b
        .Initializer("B", [7, k], TestData.Uniform(7 * k, 51)).Initializer("C", [7], TestData.Uniform(7, 52))
        .Node("Gemm", [input, "B", "C"], ["logits"], Int("transB", 1)).Output("logits");

    private static IEnumerable<ParityCase> Cases()
    {
        int[] shape = [2, 3, 4, 5];
        yield return new("Flatten default axis, opset 9", new OnnxModelBuilder(9).Input("x", -1, 3, 4, 5).Node("Flatten", "x", "y").Output("y").ToBytes(), shape);
        yield return new("Flatten axis -3", new OnnxModelBuilder(13).Input("x", -1, 3, 4, 5).Node("Flatten", "x", "y", Int("axis", -3)).Output("y").ToBytes(), shape);
        yield return new("Reshape [-1, 60] initializer", new OnnxModelBuilder(18).Input("x", -1, 3, 4, 5).Int64Initializer("t", [2], [-1, 60])
            .Node("Reshape", ["x", "t"], ["y"]).Output("y").ToBytes(), shape);
        yield return new("Reshape [0, -1]", new OnnxModelBuilder(14).Input("x", -1, 3, 4, 5).Int64Initializer("t", [2], [0, -1])
            .Node("Reshape", ["x", "t"], ["y"]).Output("y").ToBytes(), shape);
        yield return new("Reshape [0, 12, 5] keeps rank 3", new OnnxModelBuilder(13).Input("x", -1, 3, 4, 5).Int64Initializer("t", [3], [0, 12, 5])
            .Node("Reshape", ["x", "t"], ["y"]).Output("y").ToBytes(), shape);
        yield return new("view(size(0), -1), opset 9, then Gemm", ThenGemm(ViewBatchMinusOne(9), "y", 60).ToBytes(), shape);
        yield return new("view(size(0), -1), opset 13", ViewBatchMinusOne(13).ToBytes(), shape);
        yield return new("Shape, Slice, Concat, opset 13", new OnnxModelBuilder(13).Input("x", -1, 3, 4, 5)
            .Node("Shape", "x", "s")
            .Int64Initializer("st", [1], [0]).Int64Initializer("en", [1], [1])
            .Node("Slice", ["s", "st", "en"], ["n"])
            .Int64Initializer("rest", [2], [12, 5])
            .Node("Concat", ["n", "rest"], ["t"], Int("axis", 0))
            .Node("Reshape", ["x", "t"], ["y"]).Output("y").ToBytes(), shape);
        yield return new("Shape with start and end, opset 15", new OnnxModelBuilder(15).Input("x", -1, 3, 4, 5)
            .Node("Shape", "x", "n", Int("end", 1))
            .Int64Initializer("rest", [1], [-1])
            .Node("Concat", ["n", "rest"], ["t"], Int("axis", 0))
            .Node("Reshape", ["x", "t"], ["y"]).Output("y").ToBytes(), shape);
        yield return new("product of gathered dims, Slice, Squeeze and Cast, opset 9", new OnnxModelBuilder(9).Input("x", -1, 3, 4, 5)
            .Node("Shape", "x", "s")
            .Node("Slice", ["s"], ["s0"], Ints("starts", 0), Ints("ends", 1))
            .Node("Squeeze", "s0", "n", Ints("axes", 0))
            .Constant("i1", OnnxTensors.Int64("", [], [1])).Constant("i2", OnnxTensors.Int64("", [], [-2])).Constant("i3", OnnxTensors.Int64("", [], [3]))
            .Node("Gather", ["s", "i1"], ["c"]).Node("Gather", ["s", "i2"], ["h"]).Node("Gather", ["s", "i3"], ["w"])
            .Node("Mul", ["c", "h"], ["ch"]).Node("Mul", ["ch", "w"], ["chw"])
            .Node("Unsqueeze", "n", "n1", Ints("axes", 0)).Node("Unsqueeze", "chw", "chw1", Ints("axes", 0))
            .Node("Concat", ["n1", "chw1"], ["t64"], Int("axis", 0))
            .Node("Cast", "t64", "t32", Int("to", (long)DataType.Int32))
            .Node("Cast", "t32", "t", Int("to", (long)DataType.Int64))
            .Node("Reshape", ["x", "t"], ["y"]).Output("y").ToBytes(), shape,
            Verify: g => CollectionAssert.AreEqual(new long[] { 0, 60 }, ((ReshapeNode)g.Nodes.Single()).Target));
        yield return new("Squeeze and Unsqueeze with axes inputs, opset 13", new OnnxModelBuilder(13).Input("x", -1, 3, 4, 5)
            .Node("Shape", "x", "s")
            .Int64Initializer("st", [1], [1]).Int64Initializer("en", [1], [long.MaxValue]).Int64Initializer("ax", [1], [0])
            .Node("Slice", ["s", "st", "en", "ax"], ["chw"])
            .Int64Initializer("one", [1], [1]).Node("Gather", ["chw", "one"], ["h1"], Int("axis", 0))
            .Int64Initializer("axes0", [1], [0]).Node("Squeeze", ["h1", "axes0"], ["h"]).Node("Unsqueeze", ["h", "axes0"], ["h2"])
            .Int64Initializer("lead", [2], [0, 3]).Int64Initializer("tail", [1], [-1])
            .Node("Concat", ["lead", "h2", "tail"], ["t"], Int("axis", 0))
            .Node("Reshape", ["x", "t"], ["y"]).Output("y").ToBytes(), shape);
    }
}
