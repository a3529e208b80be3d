using UnIT.ML.Graph;
using UnIT.Onnx.Protos;
using UnIT.Onnx.Tests.Helpers;
using static UnIT.Onnx.Tests.Helpers.OnnxAttr;

namespace UnIT.Onnx.Tests;

/// <summary>The ops of real CNN exports (issue 9), each in its opset forms, against ONNX Runtime.</summary>
[TestClass]
public sealed class CnnOpTests
{
    public static IEnumerable<object[]> CaseNames => ParityCase.Names(Cases());

    [TestMethod]
    [DynamicData(nameof(CaseNames))]
    public void CnnOpMatchesOnnxRuntime(string name) => ParityCase.Run(Cases(), name);

    private static OnnxModelBuilder Model(int opset, params long[] input) => new OnnxModelBuilder(opset).Input("x", input);

    private static byte[] Unary(int opset, string op, long[] input, params AttributeProto[] attributes) =>
        Model(opset, input).Node(op, "x", "y", attributes).Output("y").ToBytes();

    private static Action<ModelGraph> Has<T>(int count = 1) where T : Node =>
        g => Assert.AreEqual(count, g.Nodes.OfType<T>().Count(), g.Summary());

    private static IEnumerable<ParityCase> Cases()
    {
        long[] image = [-1, 6, 4, 5];
        int[] batch = [2, 6, 4, 5];

        // Transpose.
        yield return new("Transpose NHWC to NCHW", Unary(13, "Transpose", [-1, 4, 5, 3], Ints("perm", 0, 3, 1, 2)), [2, 4, 5, 3], Verify: Has<TransposeNode>());
        yield return new("Transpose channel shuffle", Model(9, image)
            .Int64Initializer("split", [5], [0, 2, 3, 4, 5]).Node("Reshape", ["x", "split"], ["r"])
            .Node("Transpose", "r", "t", Ints("perm", 0, 2, 1, 3, 4))
            .Int64Initializer("join", [4], [0, 6, 4, 5]).Node("Reshape", ["t", "join"], ["y"]).Output("y").ToBytes(), batch);
        yield return new("Transpose of a constant, folded", Model(13, -1, 5)
            .Initializer("w", [3, 5], TestData.Uniform(15, 3)).Node("Transpose", "w", "wt").Node("MatMul", ["x", "wt"], ["y"]).Output("y").ToBytes(), [3, 5]);

        // ConstantOfShape.
        yield return new("ConstantOfShape weight and bias", Model(9, -1, 3, 5, 5)
            .Int64Initializer("ws", [4], [4, 3, 3, 3]).Node("ConstantOfShape", ["ws"], ["w"], Tensor("value", OnnxTensors.Float("v", [1], [0.05f])))
            .Int64Initializer("bs", [1], [4]).Node("ConstantOfShape", ["bs"], ["b"])
            .Node("Conv", ["x", "w", "b"], ["y"]).Output("y").ToBytes(), [2, 3, 5, 5]);

        // LRN.
        yield return new("LRN AlexNet attributes", Unary(9, "LRN", [-1, 7, 3, 3], Int("size", 5), Float("alpha", 1e-4f), Float("beta", 0.75f), Float("bias", 1f)), [2, 7, 3, 3], -3, 3, Has<LrnNode>());
        yield return new("LRN size 3, bias 2, alpha 0.3", Unary(13, "LRN", [-1, 4, 2, 3], Int("size", 3), Float("alpha", 0.3f), Float("beta", 0.6f), Float("bias", 2f)), [2, 4, 2, 3], -3, 3);

        // Pad.
        yield return new("Pad constant, attributes, opset 9", Unary(9, "Pad", image, Ints("pads", 0, 0, 1, 2, 0, 0, 2, 1), Float("value", 0.5f)), batch, Verify: Has<PadNode>());
        yield return new("Pad reflect, opset 11", Model(11, image).Int64Initializer("p", [8], [0, 0, 2, 1, 0, 1, 3, 2])
            .Node("Pad", ["x", "p"], ["y"], String("mode", "reflect")).Output("y").ToBytes(), batch);
        yield return new("Pad edge, channels too, opset 13", Model(13, image).Int64Initializer("p", [8], [0, 1, 2, 0, 0, 2, 0, 3])
            .Node("Pad", ["x", "p"], ["y"], String("mode", "edge")).Output("y").ToBytes(), batch);
        yield return new("Pad constant value and axes inputs, opset 18", Model(18, image).Int64Initializer("p", [4], [1, 2, 3, -1])
            .Initializer("v", [], [-2f]).Int64Initializer("axes", [2], [-1, 2])
            .Node("Pad", ["x", "p", "v", "axes"], ["y"]).Output("y").ToBytes(), batch);
        yield return new("Pad negative pads crop, opset 13", Model(13, image).Int64Initializer("p", [8], [0, -1, 0, 1, 0, 0, -2, 1])
            .Node("Pad", ["x", "p"], ["y"]).Output("y").ToBytes(), batch);

        // Activations.
        yield return new("HardSigmoid default", Unary(9, "HardSigmoid", image), batch, -6, 6);
        yield return new("HardSigmoid alpha 0.3 beta 0.4", Unary(22, "HardSigmoid", image, Float("alpha", 0.3f), Float("beta", 0.4f)), batch, -6, 6);
        yield return new("HardSwish, opset 14", Unary(14, "HardSwish", image), batch, -6, 6);
        yield return new("Elu default", Unary(9, "Elu", image), batch, -4, 4);
        yield return new("Elu alpha 0.5", Unary(13, "Elu", image, Float("alpha", 0.5f)), batch, -4, 4);
        yield return new("Selu default", Unary(13, "Selu", image), batch, -4, 4);
        yield return new("Selu alpha 1.5 gamma 2", Unary(7, "Selu", image, Float("alpha", 1.5f), Float("gamma", 2f)), batch, -4, 4);
        yield return new("Softplus", Unary(13, "Softplus", image), batch, -40, 40);
        yield return new("Softsign", Unary(13, "Softsign", image), batch, -5, 5);
        yield return new("PRelu per-channel slope", Model(9, image).Initializer("s", [6, 1, 1], TestData.Uniform(6, 5, 0f, 0.5f))
            .Node("PRelu", ["x", "s"], ["y"]).Output("y").ToBytes(), batch, Verify: Has<ElementwiseNode>());
        yield return new("PRelu one slope, opset 16", Model(16, image).Initializer("s", [1], [0.25f])
            .Node("PRelu", ["x", "s"], ["y"]).Output("y").ToBytes(), batch);

        // Reductions.
        yield return new("ReduceMean spatial, keepdims", Unary(13, "ReduceMean", image, Ints("axes", 2, 3)), batch, Verify: Has<ReduceNode>());
        yield return new("ReduceMean axes input, keepdims 0, opset 18", Model(18, image).Int64Initializer("a", [2], [-1, 1])
            .Node("ReduceMean", ["x", "a"], ["y"], Int("keepdims", 0)).Output("y").ToBytes(), batch);
        yield return new("ReduceMax channels", Unary(11, "ReduceMax", image, Ints("axes", 1)), batch);
        yield return new("ReduceMin keepdims 0", Unary(13, "ReduceMin", image, Ints("axes", 3), Int("keepdims", 0)), batch);
        yield return new("ReduceSum axes input, opset 13", Model(13, image).Int64Initializer("a", [1], [2])
            .Node("ReduceSum", ["x", "a"], ["y"]).Output("y").ToBytes(), batch);
        yield return new("ReduceSum empty axes is a no-op when asked, opset 13", Model(13, image)
            .Node("ReduceSum", ["x"], ["r"], Int("noop_with_empty_axes", 1)).Node("Relu", "r", "y").Output("y").ToBytes(), batch);
        yield return new("ReduceProd", Unary(13, "ReduceProd", image, Ints("axes", 1)), batch, 0.5f, 1.5f);
        yield return new("ReduceMean of everything, model exported for one sample", Unary(13, "ReduceMean", [1, 6, 4, 5]), [1, 6, 4, 5]);
        yield return new("GlobalMaxPool", Unary(9, "GlobalMaxPool", image), batch, Verify: Has<ReduceNode>());

        // Softmax and LogSoftmax.
        yield return new("LogSoftmax last axis, opset 13", Unary(13, "LogSoftmax", [-1, 10]), [3, 10], -5, 5, Has<AxisSoftmaxNode>());
        yield return new("Softmax over channels of an image, opset 13", Unary(13, "Softmax", image, Int("axis", 1)), batch, -3, 3);
        yield return new("LogSoftmax over a middle axis, opset 13", Unary(13, "LogSoftmax", image, Int("axis", -2)), batch, -3, 3);
        yield return new("Softmax default axis coerces to 2-D, opset 11", Unary(11, "Softmax", image), batch, -3, 3);
        yield return new("LogSoftmax axis 2 coerces to 2-D, opset 9", Unary(9, "LogSoftmax", image, Int("axis", 2)), batch, -3, 3);
        yield return new("Softmax axis 0 of a one-sample model, opset 9", Unary(9, "Softmax", [1, 6, 4, 5], Int("axis", 0)), [1, 6, 4, 5], -3, 3);

        // Flatten.
        yield return new("Flatten axis 2 after a size-1 axis", Unary(13, "Flatten", [-1, 1, 4, 5], Int("axis", 2)), [2, 1, 4, 5]);
        yield return new("Flatten axis 0 of a one-sample model", Unary(11, "Flatten", [1, 6, 4, 5], Int("axis", 0)), [1, 6, 4, 5]);

        // Squeeze, Unsqueeze, Slice, Split, Concat of run-time values.
        yield return new("Squeeze and Unsqueeze of run-time values, opset 13", Model(13, -1, 6, 1, 5)
            .Int64Initializer("a", [1], [2]).Node("Squeeze", ["x", "a"], ["s"]).Node("Relu", "s", "r")
            .Int64Initializer("b", [2], [1, -1]).Node("Unsqueeze", ["r", "b"], ["y"]).Output("y").ToBytes(), [2, 6, 1, 5]);
        yield return new("Squeeze and Unsqueeze attributes, opset 11", Model(11, -1, 6, 1, 5)
            .Node("Squeeze", "x", "s", Ints("axes", -2)).Node("Unsqueeze", "s", "y", Ints("axes", 3)).Output("y").ToBytes(), [2, 6, 1, 5]);
        yield return new("Squeeze without axes, fixed batch 2", Unary(13, "Squeeze", [2, 6, 1, 5]), [2, 6, 1, 5]);
        yield return new("Slice with steps and negative bounds, opset 13", Model(13, image)
            .Int64Initializer("st", [3], [1, -1, 0]).Int64Initializer("en", [3], [6, -5, 9]).Int64Initializer("ax", [3], [1, 3, 2]).Int64Initializer("sp", [3], [2, -2, 3])
            .Node("Slice", ["x", "st", "en", "ax", "sp"], ["y"]).Output("y").ToBytes(), batch, Verify: Has<SliceNode>());
        yield return new("Slice attributes keeping the whole batch, opset 9", Unary(9, "Slice", image,
            Ints("starts", 0, 1), Ints("ends", long.MaxValue, 3), Ints("axes", 0, 2)), batch);
        yield return new("Split sizes input, opset 13", Model(13, image).Int64Initializer("sp", [3], [1, 2, 3])
            .Node("Split", ["x", "sp"], ["a", "b", "c"], Int("axis", 1))
            .Node("Concat", ["c", "a"], ["y"], Int("axis", 1)).Output("y").ToBytes(), batch, Verify: Has<SliceNode>(2));
        yield return new("Split equal parts by attribute, opset 11", Model(11, image)
            .Node("Split", ["x"], ["a", "b"], Int("axis", -1), Ints("split", 2, 3))
            .Node("ReduceMax", ["b"], ["y"], Ints("axes", 3)).Output("y").ToBytes(), batch);
        yield return new("Split num_outputs uneven, opset 18", Model(18, -1, 6, 5, 5)
            .Node("Split", ["x"], ["a", "b"], Int("axis", 2), Int("num_outputs", 2))
            .Node("Mul", ["b", "b"], ["y"]).Output("y").ToBytes(), [2, 6, 5, 5]);
        yield return new("Split by default into equal parts, opset 9", Model(9, image)
            .Node("Split", ["x"], ["a", "b", "c"], Int("axis", 1))
            .Node("Sub", ["a", "c"], ["y"]).Output("y").ToBytes(), batch);

        // Variadic Sum, Max, Min, Mean.
        yield return new("Sum of three branches", Model(9, image).Node("Relu", "x", "r").Node("Sigmoid", "x", "s")
            .Node("Sum", ["x", "r", "s"], ["y"]).Output("y").ToBytes(), batch, -3, 3, Has<BinaryNode>(2));
        yield return new("Max with broadcasting", Model(13, image).Node("GlobalAveragePool", "x", "g")
            .Node("Max", ["x", "g"], ["y"]).Output("y").ToBytes(), batch);
        yield return new("Min with a constant", Model(13, image).Initializer("c", [5], TestData.Uniform(5, 9))
            .Node("Tanh", "x", "t").Node("Min", ["x", "c", "t"], ["y"]).Output("y").ToBytes(), batch);
        yield return new("Mean of three", Model(8, image).Node("Relu", "x", "r").Node("Sigmoid", "x", "m")
            .Node("Mean", ["x", "r", "m"], ["y"]).Output("y").ToBytes(), batch);
        yield return new("Sum of one operand", Model(13, image).Node("Sum", ["x"], ["s"]).Node("Relu", "s", "y").Output("y").ToBytes(), batch);

        // ConvTranspose.
        yield return new("ConvTranspose stride 2, pads, output_padding, bias", Model(13, -1, 4, 3, 3)
            .Initializer("w", [4, 3, 3, 3], TestData.Uniform(108, 11)).Initializer("b", [3], TestData.Uniform(3, 12))
            .Node("ConvTranspose", ["x", "w", "b"], ["y"], Ints("strides", 2, 2), Ints("pads", 1, 0, 1, 1), Ints("output_padding", 1, 0))
            .Output("y").ToBytes(), [2, 4, 3, 3], Verify: Has<ConvTransposeNode>());
        yield return new("ConvTranspose grouped, dilated, opset 11", Model(11, -1, 4, 3, 4)
            .Initializer("w", [4, 2, 2, 3], TestData.Uniform(48, 13))
            .Node("ConvTranspose", ["x", "w"], ["y"], Int("group", 2), Ints("dilations", 2, 1), Ints("strides", 1, 2))
            .Output("y").ToBytes(), [2, 4, 3, 4]);
        yield return new("ConvTranspose 1-D", Model(13, -1, 3, 5)
            .Initializer("w", [3, 2, 4], TestData.Uniform(24, 14)).Node("ConvTranspose", ["x", "w"], ["y"], Ints("strides", 3))
            .Output("y").ToBytes(), [2, 3, 5]);

        // Old and new opsets.
        yield return new("Conv, BatchNormalization spatial 1, MaxPool, opset 7", Model(7, -1, 3, 6, 6)
            .Initializer("w", [4, 3, 3, 3], TestData.Uniform(108, 1)).Initializer("b", [4], TestData.Uniform(4, 2))
            .Node("Conv", ["x", "w", "b"], ["c"])
            .Initializer("g", [4], TestData.Uniform(4, 3, 0.5f, 1.5f)).Initializer("be", [4], TestData.Uniform(4, 4))
            .Initializer("m", [4], TestData.Uniform(4, 5)).Initializer("v", [4], TestData.Uniform(4, 6, 0.5f, 1.5f))
            .Node("BatchNormalization", ["c", "g", "be", "m", "v"], ["n"], Int("spatial", 1))
            .Node("MaxPool", "n", "p", Ints("kernel_shape", 2, 2), Ints("strides", 2, 2))
            .Node("Flatten", "p", "f").Initializer("fc", [10, 16], TestData.Uniform(160, 7)).Initializer("fb", [10], TestData.Uniform(10, 8))
            .Node("Gemm", ["f", "fc", "fb"], ["y"], Int("transB", 1)).Output("y").ToBytes(), [2, 3, 6, 6]);
        yield return new("Conv, AveragePool, Softmax, opset 22", Model(22, -1, 3, 6, 6)
            .Initializer("w", [4, 3, 3, 3], TestData.Uniform(108, 1)).Node("Conv", ["x", "w"], ["c"], Ints("pads", 1, 1, 1, 1))
            .Node("AveragePool", "c", "p", Ints("kernel_shape", 3, 3), Ints("strides", 3, 3))
            .Node("Softmax", "p", "y", Int("axis", 1)).Output("y").ToBytes(), [2, 3, 6, 6]);
    }
}
