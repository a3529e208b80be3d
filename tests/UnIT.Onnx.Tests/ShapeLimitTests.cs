using UnIT.ML.Graph;
using UnIT.Onnx.Protos;
using UnIT.Onnx.Tests.Helpers;
using static UnIT.Onnx.Tests.Helpers.OnnxAttr;

namespace UnIT.Onnx.Tests;

/// <summary>
/// Sizes at and beyond the 32-bit range: attributes and dimensions that used to wrap around into
/// plausible shapes must be refused with an error naming the node, op and attribute; large but valid
/// models must report exact 64-bit MAC counts.
/// </summary>
[TestClass]
public sealed class ShapeLimitTests
{
    private const long Max = int.MaxValue;

    private static OnnxImportException Fails(byte[] model) => Assert.ThrowsExactly<OnnxImportException>(() => OnnxImporter.Import(model));

    private static void MessageContains(OnnxImportException ex, params string[] parts)
    {
        foreach (string part in parts)
        {
            StringAssert.Contains(ex.Message, part);
        }
    }

    private static byte[] Conv(long[] input, long[] weight, params AttributeProto[] attributes) =>
        new OnnxModelBuilder(13).Input("x", input).Initializer("w", weight, TestData.Uniform(weight, seed: 3))
            .NamedNode("conv1", "Conv", ["x", "w"], ["y"], attributes).Output("y").ToBytes();

    private static byte[] Pool(string op, params AttributeProto[] attributes) =>
        new OnnxModelBuilder(13).Input("x", -1, 1, 28, 28).NamedNode("pool1", op, ["x"], ["y"], attributes).Output("y").ToBytes();

    [TestMethod]
    public void ConvPadsOfIntMaxAreRefusedNamingTheNodeAndAttribute()
    {
        var ex = Fails(Conv([-1, 1, 28, 28], [1, 1, 3, 3], Ints("pads", Max, Max, Max, Max)));
        MessageContains(ex, "Node 'conv1' (Conv)", "pads", "2147483647", "32-bit");
    }

    [TestMethod]
    public void ConvDilationsOfIntMaxAreRefusedNamingTheNodeAndAttribute()
    {
        var ex = Fails(Conv([-1, 1, 28, 28], [1, 1, 3, 3], Ints("dilations", Max, Max)));
        MessageContains(ex, "Node 'conv1' (Conv)", "dilation", "2147483647");
    }

    [TestMethod]
    public void ConvStridesOfIntMaxTogetherWithHugePadsAreRefused()
    {
        var ex = Fails(Conv([-1, 1, 28, 28], [1, 1, 3, 3], Ints("strides", Max, Max), Ints("pads", Max, 0, Max, 0)));
        MessageContains(ex, "Node 'conv1' (Conv)", "pads");
    }

    [TestMethod]
    public void ConvStrideOfIntMaxAloneIsValidAndGivesOneOutput()
    {
        ModelGraph graph = OnnxImporter.Import(Conv([-1, 1, 28, 28], [2, 1, 3, 3], Ints("strides", Max, Max)));
        Assert.AreEqual(new Shape(-1, 2, 1, 1), graph.Outputs[0].Shape);
        Assert.AreEqual(2L * 9, graph.TotalMacsPerSample);
    }

    [TestMethod]
    public void ConvKernelLargerThanTheInputIsRefusedWhateverTheStride()
    {
        // (2 - 4) / 3 truncates to 0 in integer division; the window still does not fit.
        var ex = Fails(Conv([-1, 1, 2, 2], [1, 1, 4, 4], Ints("strides", 3, 3)));
        MessageContains(ex, "Node 'conv1' (Conv)", "kernel");
    }

    [TestMethod]
    public void SameAutoPadWithHugeDilationIsRefused()
    {
        var ex = Fails(Conv([-1, 1, 28, 28], [1, 1, 3, 3], String("auto_pad", "SAME_UPPER"), Ints("dilations", Max, Max)));
        MessageContains(ex, "Node 'conv1' (Conv)", "dilations");
    }

    [TestMethod]
    [DataRow("MaxPool")]
    [DataRow("AveragePool")]
    public void PoolPadsOfIntMaxAreRefused(string op)
    {
        var ex = Fails(Pool(op, Ints("kernel_shape", 2, 2), Ints("pads", Max, Max, Max, Max)));
        MessageContains(ex, $"Node 'pool1' ({op})", "pads", "32-bit");
    }

    [TestMethod]
    public void PoolDilationsOfIntMaxAreRefused()
    {
        var ex = Fails(Pool("MaxPool", Ints("kernel_shape", 2, 2), Ints("dilations", Max, Max)));
        MessageContains(ex, "Node 'pool1' (MaxPool)", "dilation", "2147483647");
    }

    [TestMethod]
    public void CeilModePoolWithStrideOfIntMaxGivesOneOutput()
    {
        ModelGraph graph = OnnxImporter.Import(Pool("MaxPool", Ints("kernel_shape", 2, 2), Ints("strides", Max, Max), Int("ceil_mode", 1)));
        Assert.AreEqual(new Shape(-1, 1, 1, 1), graph.Outputs[0].Shape);
    }

    [TestMethod]
    [DataRow("strides", new long[] { 0, 1 })]
    [DataRow("strides", new long[] { 1, -2 })]
    [DataRow("dilations", new long[] { 0, 1 })]
    [DataRow("pads", new long[] { 0, 0, -1, 0 })]
    [DataRow("kernel_shape", new long[] { 3, 0 })]
    public void NegativeOrZeroWindowAttributesAreRefusedNamingThem(string attribute, long[] values)
    {
        var ex = Fails(Conv([-1, 1, 28, 28], [1, 1, 3, 3], Ints(attribute, values)));
        MessageContains(ex, "Node 'conv1' (Conv)", attribute);
    }

    [TestMethod]
    public void AttributeBeyondInt32IsRefusedNamingIt()
    {
        var ex = Fails(Conv([-1, 1, 28, 28], [1, 1, 3, 3], Ints("pads", 1L << 32, 0, 0, 0)));
        MessageContains(ex, "Node 'conv1' (Conv)", "pads", "4294967296");
    }

    [TestMethod]
    public void HugeSpatialInputIsRefusedAtTheGraphInput()
    {
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 1, 65536, 65536).Node("Relu", "x", "y").Output("y").ToBytes();
        MessageContains(Fails(model), "Graph input 'x'", "[-1,1,65536,65536]", "more than one array can hold");
    }

    [TestMethod]
    public void InputDimensionBeyondInt32IsRefusedNamingTheAxis()
    {
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 1, 3_000_000_000).Node("Relu", "x", "y").Output("y").ToBytes();
        MessageContains(Fails(model), "Graph input 'x'", "3000000000", "axis 2");
    }

    [TestMethod]
    [DataRow(-5L)]
    [DataRow(0L)]
    public void NegativeOrZeroInputDimensionIsRefusedNamingTheAxis(long size)
    {
        ModelProto model = new OnnxModelBuilder(13).Input("x", -1, 3, 4).Node("Relu", "x", "y").Output("y").Build();
        model.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimValue = size;
        var ex = Fails(Google.Protobuf.MessageExtensions.ToByteArray(model));
        MessageContains(ex, "Graph input 'x'", $"size {size} on axis 1");
    }

    [TestMethod]
    public void ConvOutputBeyondOneArrayIsRefusedNamingTheNode()
    {
        // 30000 x 30000 fits one array; four output channels of it do not.
        var ex = Fails(Conv([-1, 1, 30000, 30000], [4, 1, 1, 1]));
        MessageContains(ex, "Node 'conv1' (Conv)", "more elements than one array can hold");
    }

    [TestMethod]
    public void UnrolledConvInputBeyondOneArrayIsRefused()
    {
        // One output channel of 20000 x 20000 fits, but its 3x3 unrolled input has 3.6e9 elements.
        var ex = Fails(Conv([-1, 1, 20000, 20000], [1, 1, 3, 3], Ints("pads", 1, 1, 1, 1)));
        MessageContains(ex, "Node 'conv1' (Conv)", "unrolled input");
    }

    [TestMethod]
    [DataRow("Gemm")]
    [DataRow("MatMul")]
    public void WeightWithAnEmptyDimensionAndAHugeOneIsRefused(string op)
    {
        // No values, so the tensor itself is valid; its other dimension used to wrap around to a negative int.
        var b = new TensorProto { Name = "B", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 0, 3_000_000_000 } };
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 4).Initializer(b).NamedNode("fc", op, ["x", "B"], ["y"]).Output("y").ToBytes();
        MessageContains(Fails(model), $"Node 'fc' ({op})", "[0,3000000000]", "between 1 and 2147483647");
    }

    [TestMethod]
    public void GatherAxisBeyondInt32DoesNotWrapIntoRange()
    {
        // 2^32 used to be cast to axis 0 and gather from the shape as if it were valid.
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 3, 4)
            .Node("Shape", "x", "s").Int64Initializer("i", [1], [1]).NamedNode("g", "Gather", ["s", "i"], ["t"], Int("axis", 1L << 32))
            .Node("Reshape", ["x", "t"], ["y"]).Output("y").ToBytes();
        MessageContains(Fails(model), "Node 'g' (Gather)", "axis 4294967296");
    }

    [TestMethod]
    public void BackwardSliceOfAnEmptyConstantIsEmptyRatherThanAnInternalError()
    {
        // Clamping a start into [0, size - 1] used to fail inside the importer when size is 0.
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 3, 4)
            .Int64Initializer("empty", [0], []).Int64Initializer("start", [1], [0]).Int64Initializer("end", [1], [-1])
            .Int64Initializer("axis", [1], [0]).Int64Initializer("step", [1], [-1]).Int64Initializer("rest", [2], [-1, 12])
            .NamedNode("s", "Slice", ["empty", "start", "end", "axis", "step"], ["sliced"])
            .Node("Concat", ["sliced", "rest"], ["target"], Int("axis", 0))
            .Node("Reshape", ["x", "target"], ["y"]).Output("y").ToBytes();
        Assert.AreEqual(new Shape(-1, 12), OnnxImporter.Import(model).Outputs[0].Shape);
    }

    [TestMethod]
    public void LargeButValidConvReportsItsExactMacCount()
    {
        // 64 x 256 x 256 outputs, each 64 x 3 x 3 MACs: 2,415,919,104, beyond the int range.
        ModelGraph graph = OnnxImporter.Import(Conv([-1, 64, 256, 256], [64, 64, 3, 3], Ints("pads", 1, 1, 1, 1)));
        long expected = 64L * 256 * 256 * (64 * 3 * 3);
        Assert.AreEqual(2_415_919_104L, expected);
        Assert.AreEqual(expected, graph.TotalMacsPerSample);
        Assert.AreEqual(expected, graph.MacsPerSample(graph.Nodes[0]));
        StringAssert.Contains(graph.Summary(), "2,415,919,104 MACs per sample");
    }
}
