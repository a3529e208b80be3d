using UnIT.ML.Graph;
using UnIT.Onnx.Protos;
using UnIT.Onnx.Tests.Helpers;
using static UnIT.Onnx.Tests.Helpers.OnnxAttr;

namespace UnIT.Onnx.Tests;

[TestClass]
public sealed class ConvTests
{
    public static IEnumerable<object[]> CaseNames => ParityCase.Names(Cases());

    [TestMethod]
    [DynamicData(nameof(CaseNames))]
    public void ConvMatchesOnnxRuntime(string name) => ParityCase.Run(Cases(), name);

    [TestMethod]
    public void SameUpperAndSameLowerPlaceTheOddPaddingCellOppositely()
    {
        ConvNode upper = (ConvNode)OnnxImporter.Import(Conv(13, [-1, 3, 9, 9], [4, 3, 4, 4], true, Strides(2, 2), String("auto_pad", "SAME_UPPER"))).PrunableLayers[0];
        ConvNode lower = (ConvNode)OnnxImporter.Import(Conv(13, [-1, 3, 9, 9], [4, 3, 4, 4], true, Strides(2, 2), String("auto_pad", "SAME_LOWER"))).PrunableLayers[0];
        CollectionAssert.AreEqual(new[] { 1, 1 }, upper.PadsBegin);
        CollectionAssert.AreEqual(new[] { 2, 2 }, upper.PadsEnd);
        CollectionAssert.AreEqual(new[] { 2, 2 }, lower.PadsBegin);
        CollectionAssert.AreEqual(new[] { 1, 1 }, lower.PadsEnd);
    }

    internal static byte[] Conv(int opset, long[] input, long[] weight, bool bias, params AttributeProto[] attributes)
    {
        var b = new OnnxModelBuilder(opset).Input("x", input)
            .Initializer("w", weight, TestData.Uniform(weight, seed: 11, lo: -0.5f, hi: 0.5f));
        if (bias)
        {
            b.Initializer("b", [weight[0]], TestData.Uniform((int)weight[0], seed: 12));
        }
        return b.Node("Conv", bias ? ["x", "w", "b"] : ["x", "w"], ["y"], attributes).Output("y").ToBytes();
    }

    private static AttributeProto Strides(params long[] s) => Ints("strides", s);

    private static AttributeProto Pads(params long[] p) => Ints("pads", p);

    private static IEnumerable<ParityCase> Cases()
    {
        yield return new("3x3 pad 1 with bias", Conv(13, [-1, 3, 8, 8], [4, 3, 3, 3], true, Pads(1, 1, 1, 1)), [2, 3, 8, 8]);
        yield return new("no bias, opset 9", Conv(9, [-1, 3, 8, 8], [4, 3, 3, 3], false), [2, 3, 8, 8]);
        yield return new("stride 2 asymmetric pads", Conv(11, [-1, 3, 9, 9], [5, 3, 3, 3], true, Strides(2, 2), Pads(0, 1, 1, 0)), [2, 3, 9, 9]);
        yield return new("dilation 2", Conv(13, [-1, 3, 10, 10], [4, 3, 3, 3], true, Ints("dilations", 2, 2), Pads(2, 2, 2, 2)), [2, 3, 10, 10]);
        yield return new("two groups", Conv(13, [-1, 4, 7, 7], [6, 2, 3, 3], true, Int("group", 2)), [2, 4, 7, 7]);
        yield return new("depthwise", Conv(18, [-1, 4, 7, 7], [4, 1, 3, 3], true, Int("group", 4), Pads(1, 1, 1, 1)), [2, 4, 7, 7]);
        yield return new("non-square kernel and stride", Conv(13, [-1, 3, 9, 12], [4, 3, 3, 5], true, Ints("kernel_shape", 3, 5), Strides(1, 2), Pads(1, 2, 1, 2)), [2, 3, 9, 12]);
        yield return new("fixed batch 1", Conv(21, [1, 3, 8, 8], [4, 3, 3, 3], true), [1, 3, 8, 8]);
        yield return new("1-D stride pads dilation", Conv(13, [-1, 3, 20], [4, 3, 5], true, Strides(2), Pads(1, 2), Ints("dilations", 2)), [2, 3, 20]);
        yield return new("1-D two groups", Conv(13, [-1, 4, 16], [4, 2, 3], false, Int("group", 2)), [3, 4, 16]);
        yield return new("auto_pad VALID", Conv(13, [-1, 3, 9, 9], [4, 3, 3, 3], true, Strides(2, 2), String("auto_pad", "VALID")), [2, 3, 9, 9]);
        yield return new("auto_pad NOTSET", Conv(13, [-1, 3, 9, 9], [4, 3, 3, 3], true, String("auto_pad", "NOTSET"), Pads(1, 0, 1, 0)), [2, 3, 9, 9]);
        yield return new("auto_pad SAME_UPPER even kernel stride 2", Conv(13, [-1, 3, 9, 9], [4, 3, 4, 4], true, Strides(2, 2), String("auto_pad", "SAME_UPPER")), [2, 3, 9, 9]);
        yield return new("auto_pad SAME_LOWER even kernel stride 2", Conv(13, [-1, 3, 9, 9], [4, 3, 4, 4], true, Strides(2, 2), String("auto_pad", "SAME_LOWER")), [2, 3, 9, 9]);
        // ONNX Runtime rejects auto_pad SAME with dilations, so there is no reference for that combination.
        yield return new("auto_pad SAME_LOWER 1-D", Conv(13, [-1, 3, 11], [4, 3, 4], true, Strides(3), String("auto_pad", "SAME_LOWER")), [2, 3, 11]);
    }
}
