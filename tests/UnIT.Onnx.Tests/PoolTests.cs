using UnIT.Onnx.Protos;
using UnIT.Onnx.Tests.Helpers;
using static UnIT.Onnx.Tests.Helpers.OnnxAttr;

namespace UnIT.Onnx.Tests;

[TestClass]
public sealed class PoolTests
{
    public static IEnumerable<object[]> CaseNames => ParityCase.Names(Cases());

    [TestMethod]
    [DynamicData(nameof(CaseNames))]
    public void PoolMatchesOnnxRuntime(string name) => ParityCase.Run(Cases(), name);

    private static byte[] Pool(int opset, string op, long[] input, params AttributeProto[] attributes) =>
        new OnnxModelBuilder(opset).Input("x", input).Node(op, "x", "y", attributes).Output("y").ToBytes();

    private static AttributeProto K(params long[] k) => Ints("kernel_shape", k);

    private static AttributeProto S(params long[] s) => Ints("strides", s);

    private static AttributeProto P(params long[] p) => Ints("pads", p);

    private static IEnumerable<ParityCase> Cases()
    {
        yield return new("MaxPool 2x2 stride 2, opset 9", Pool(9, "MaxPool", [-1, 3, 8, 8], K(2, 2), S(2, 2)), [2, 3, 8, 8]);
        yield return new("MaxPool 3x3 stride 2 pads 1", Pool(12, "MaxPool", [-1, 3, 9, 9], K(3, 3), S(2, 2), P(1, 1, 1, 1)), [2, 3, 9, 9]);
        yield return new("MaxPool ceil_mode", Pool(10, "MaxPool", [-1, 3, 8, 8], K(3, 3), S(2, 2), Int("ceil_mode", 1)), [2, 3, 8, 8]);
        yield return new("MaxPool ceil_mode with pads", Pool(13, "MaxPool", [-1, 2, 7, 7], K(2, 2), S(2, 2), P(1, 1, 0, 0), Int("ceil_mode", 1)), [2, 2, 7, 7]);
        yield return new("MaxPool dilations", Pool(12, "MaxPool", [-1, 2, 9, 9], K(2, 2), Ints("dilations", 2, 2)), [2, 2, 9, 9]);
        yield return new("MaxPool non-square", Pool(13, "MaxPool", [-1, 2, 9, 10], K(2, 3), S(1, 2), P(0, 1, 1, 1)), [2, 2, 9, 10]);
        yield return new("MaxPool auto_pad SAME_UPPER", Pool(13, "MaxPool", [-1, 2, 7, 7], K(3, 3), S(2, 2), String("auto_pad", "SAME_UPPER")), [2, 2, 7, 7]);
        yield return new("MaxPool auto_pad SAME_LOWER even kernel", Pool(13, "MaxPool", [-1, 2, 7, 7], K(2, 2), S(2, 2), String("auto_pad", "SAME_LOWER")), [2, 2, 7, 7]);
        yield return new("MaxPool 1-D", Pool(13, "MaxPool", [-1, 3, 15], K(3), S(2), P(1, 1)), [2, 3, 15]);
        yield return new("MaxPool storage_order 0 and unused Indices",
            new OnnxModelBuilder(12).Input("x", -1, 2, 6, 6).Node("MaxPool", ["x"], ["y", "idx"], K(2, 2), S(2, 2), Int("storage_order", 0)).Output("y").ToBytes(), [2, 2, 6, 6]);
        yield return new("AveragePool 2x2", Pool(9, "AveragePool", [-1, 3, 8, 8], K(2, 2), S(2, 2)), [2, 3, 8, 8]);
        yield return new("AveragePool pads exclude padding", Pool(13, "AveragePool", [-1, 3, 9, 9], K(3, 3), S(2, 2), P(1, 1, 1, 1)), [2, 3, 9, 9]);
        yield return new("AveragePool pads count_include_pad", Pool(13, "AveragePool", [-1, 3, 9, 9], K(3, 3), S(2, 2), P(1, 1, 1, 1), Int("count_include_pad", 1)), [2, 3, 9, 9]);
        yield return new("AveragePool asymmetric pads count_include_pad", Pool(11, "AveragePool", [-1, 2, 8, 8], K(3, 2), S(2, 2), P(0, 1, 2, 0), Int("count_include_pad", 1)), [2, 2, 8, 8]);
        yield return new("AveragePool ceil_mode", Pool(13, "AveragePool", [-1, 3, 8, 8], K(3, 3), S(2, 2), Int("ceil_mode", 1)), [2, 3, 8, 8]);
        yield return new("AveragePool ceil_mode pads count_include_pad", Pool(13, "AveragePool", [-1, 2, 7, 7], K(3, 3), S(2, 2), P(1, 1, 1, 1), Int("ceil_mode", 1), Int("count_include_pad", 1)), [2, 2, 7, 7]);
        yield return new("AveragePool dilations, opset 19", Pool(19, "AveragePool", [-1, 2, 9, 9], K(2, 2), Ints("dilations", 2, 2)), [2, 2, 9, 9]);
        yield return new("AveragePool auto_pad SAME_UPPER", Pool(13, "AveragePool", [-1, 2, 7, 7], K(3, 3), S(2, 2), String("auto_pad", "SAME_UPPER")), [2, 2, 7, 7]);
        yield return new("AveragePool 1-D count_include_pad", Pool(13, "AveragePool", [-1, 3, 15], K(4), S(3), P(2, 1), Int("count_include_pad", 1)), [2, 3, 15]);
        yield return new("GlobalAveragePool", Pool(13, "GlobalAveragePool", [-1, 4, 5, 6]), [3, 4, 5, 6]);
        yield return new("GlobalAveragePool 1-D", Pool(9, "GlobalAveragePool", [-1, 4, 7]), [3, 4, 7]);
    }
}
