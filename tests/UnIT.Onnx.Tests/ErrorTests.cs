using UnIT.Onnx.Protos;
using UnIT.Onnx.Tests.Helpers;
using static UnIT.Onnx.Tests.Helpers.OnnxAttr;

namespace UnIT.Onnx.Tests;

[TestClass]
public sealed class ErrorTests
{
    private static OnnxImportException Fails(byte[] model) => Assert.ThrowsExactly<OnnxImportException>(() => OnnxImporter.Import(model));

    private static void MessageContains(OnnxImportException ex, params string[] parts)
    {
        foreach (string part in parts)
        {
            StringAssert.Contains(ex.Message, part);
        }
    }

    private static OnnxModelBuilder Conv(int opset = 13) => new OnnxModelBuilder(opset).Input("x", -1, 3, 6, 6)
        .Initializer("w", [4, 3, 3, 3], TestData.Uniform(108, 81));

    [TestMethod]
    public void UnsupportedOperatorNamesTheNodeAndOp()
    {
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 5, 8)
            .NamedNode("lstm_1", "LSTM", ["x"], ["y"], Int("hidden_size", 4)).Output("y").ToBytes();
        MessageContains(Fails(model), "Node 'lstm_1' (LSTM)", "not supported");
    }

    [TestMethod]
    public void GarbageBytesAreNotAValidOnnxModel()
    {
        byte[] garbage = "this is certainly not an ONNX model"u8.ToArray();
        MessageContains(Fails(garbage), "is not a valid ONNX model");
        MessageContains(Fails([]), "is not a valid ONNX model");
    }

    [TestMethod]
    public void GarbageFileIsReportedWithItsPath()
    {
        using var temp = new TempFolder();
        string path = Path.Combine(temp.Path, "broken.onnx");
        File.WriteAllBytes(path, [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
        var ex = Assert.ThrowsExactly<OnnxImportException>(() => OnnxImporter.Import(path));
        MessageContains(ex, path, "is not a valid ONNX model");
    }

    [TestMethod]
    [DataRow(6)]
    [DataRow(23)]
    public void OpsetsOutsideSevenToTwentyTwoAreRejected(int opset)
    {
        byte[] model = new OnnxModelBuilder(opset).Input("x", -1, 3).Node("Relu", "x", "y").Output("y").ToBytes();
        MessageContains(Fails(model), $"opset {opset}", "7 to 22");
    }

    [TestMethod]
    public void UnknownAutoPadNamesTheNodeAndValue()
    {
        byte[] model = Conv().NamedNode("conv3", "Conv", ["x", "w"], ["y"], String("auto_pad", "FOO")).Output("y").ToBytes();
        Assert.AreEqual("Node 'conv3' (Conv): auto_pad 'FOO' is not supported.", Fails(model).Message);
    }

    [TestMethod]
    public void GemmWithTransposedInputIsRejected()
    {
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 4).Initializer("B", [4, 2], TestData.Uniform(8, 82))
            .NamedNode("fc", "Gemm", ["x", "B"], ["y"], Int("transA", 1)).Output("y").ToBytes();
        MessageContains(Fails(model), "Node 'fc' (Gemm)", "transA");
    }

    [TestMethod]
    public void ConvWithRuntimeWeightIsRejected()
    {
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 3, 6, 6).Node("Relu", "x", "r")
            .NamedNode("c", "Conv", ["x", "r"], ["y"]).Output("y").ToBytes();
        MessageContains(Fails(model), "Node 'c' (Conv)", "weight", "constant");
    }

    [TestMethod]
    public void SoftmaxOverTheBatchAxisIsRejected()
    {
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 4, 3).NamedNode("sm", "Softmax", ["x"], ["y"], Int("axis", 0)).Output("y").ToBytes();
        MessageContains(Fails(model), "Node 'sm' (Softmax)", "axis 0", "batch axis");
    }

    [TestMethod]
    public void MaxPoolStorageOrderOneIsRejected()
    {
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 3, 6, 6)
            .NamedNode("mp", "MaxPool", ["x"], ["y"], Ints("kernel_shape", 2, 2), Int("storage_order", 1)).Output("y").ToBytes();
        MessageContains(Fails(model), "Node 'mp' (MaxPool)", "storage_order");
    }

    [TestMethod]
    public void UsedMaxPoolIndicesAreRejected()
    {
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 3, 6, 6)
            .NamedNode("mp", "MaxPool", ["x"], ["y", "idx"], Ints("kernel_shape", 2, 2)).Output("y").Output("idx").ToBytes();
        MessageContains(Fails(model), "Node 'mp' (MaxPool)", "output 1");
    }

    [TestMethod]
    public void ThreeDimensionalConvIsRejected()
    {
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 1, 4, 4, 4).Initializer("w", [2, 1, 2, 2, 2], new float[16])
            .NamedNode("c3", "Conv", ["x", "w"], ["y"]).Output("y").ToBytes();
        MessageContains(Fails(model), "Node 'c3' (Conv)", "1-D and 2-D");
    }

    [TestMethod]
    public void GraphErrorsAreReportedWithTheOnnxNode()
    {
        // Group 2 does not divide 3 output channels: the graph IR rejects it; the message names the ONNX node.
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 4, 6, 6).Initializer("w", [3, 2, 3, 3], new float[54])
            .NamedNode("gconv", "Conv", ["x", "w"], ["y"], Int("group", 2)).Output("y").ToBytes();
        MessageContains(Fails(model), "Node 'gconv' (Conv)", "group");
    }

    [TestMethod]
    public void TwoRuntimeInputsAreRejected()
    {
        byte[] model = new OnnxModelBuilder(13).Input("a", -1, 3).Input("b", -1, 3).Node("Relu", "a", "y").Output("y").ToBytes();
        MessageContains(Fails(model), "2 run-time inputs", "'a'", "'b'");
    }

    [TestMethod]
    public void DynamicNonBatchAxisNamesTheInput()
    {
        byte[] model = new OnnxModelBuilder(13).Input("pixels", -1, 3, -1).Node("Relu", "pixels", "y").Output("y").ToBytes();
        MessageContains(Fails(model), "Graph input 'pixels'", "axis 2");
    }

    [TestMethod]
    public void UnsupportedDataTypeNamesTheTensor()
    {
        var half = new TensorProto { Name = "w16", DataType = (int)TensorProto.Types.DataType.Float16, Dims = { 1 }, Int32Data = { 0 } };
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 1).Initializer(half).Node("Mul", ["x", "w16"], ["y"]).Output("y").ToBytes();
        MessageContains(Fails(model), "Tensor 'w16'", "Float16");
    }

    [TestMethod]
    public void CustomDomainIsRejected()
    {
        ModelProto model = new OnnxModelBuilder(13).Input("x", -1, 3).NamedNode("fused", "FusedConv", ["x"], ["y"]).Output("y").Build();
        model.Graph.Node[0].Domain = "com.microsoft";
        MessageContains(Fails(Google.Protobuf.MessageExtensions.ToByteArray(model)), "Node 'fused' (FusedConv)", "com.microsoft");
    }

    [TestMethod]
    public void ExternalDataWithoutBaseDirectoryIsExplained()
    {
        var t = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 1 }, DataLocation = TensorProto.Types.DataLocation.External };
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "w.bin" });
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 1).Initializer(t).Node("Mul", ["x", "w"], ["y"]).Output("y").ToBytes();
        MessageContains(Fails(model), "Tensor 'w'", "w.bin", "base directory");
    }

    [TestMethod]
    public void ExternalDataOutsideTheModelDirectoryIsRejected()
    {
        var t = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 1 }, DataLocation = TensorProto.Types.DataLocation.External };
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "../secret.bin" });
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 1).Initializer(t).Node("Mul", ["x", "w"], ["y"]).Output("y").ToBytes();
        using var temp = new TempFolder();
        var ex = Assert.ThrowsExactly<OnnxImportException>(() => OnnxImporter.Import(model, temp.Path));
        MessageContains(ex, "Tensor 'w'", "../secret.bin", "not inside");
    }

    [TestMethod]
    public void ReshapeTargetWithTheBatchSizeOutsideAxisZeroIsRejected()
    {
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 3, 4)
            .Node("Shape", "x", "s").Int64Initializer("order", [3], [1, 0, 2]).Node("Gather", ["s", "order"], ["t"], Int("axis", 0))
            .NamedNode("swap", "Reshape", ["x", "t"], ["y"]).Output("y").ToBytes();
        MessageContains(Fails(model), "Node 'swap' (Reshape)", "entry 1", "batch size", "mixes samples");
    }

    [TestMethod]
    public void ConstantGraphOutputIsRejected()
    {
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 3).Initializer("c", [3], [1f, 2f, 3f])
            .Node("Relu", "x", "y").Node("Identity", "c", "k").Output("y").Output("k").ToBytes();
        MessageContains(Fails(model), "Graph output 'k'", "constant");
    }
}
