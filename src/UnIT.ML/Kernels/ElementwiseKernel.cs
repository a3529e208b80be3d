using System.Numerics.Tensors;
using UnIT.ML.Graph;

namespace UnIT.ML.Kernels;

/// <summary>Element-wise kernels over whole batches: activations, arithmetic with a broadcast constant, batch norm, softmax.</summary>
public static class ElementwiseKernel
{
    /// <summary>Applies an activation; values at or below <paramref name="fatReluTau"/> become 0 for Relu (FATReLU; 0 is plain Relu).</summary>
    public static void Activation(ActivationNode node, ReadOnlySpan<float> input, Span<float> output, float fatReluTau = 0f)
    {
        if (node.Kind == ActivationKind.Relu && fatReluTau == 0f)
        {
            // max(x, +0) as IEEE 754-2019 maximum: NaN stays NaN and -0 becomes +0, exactly the loop below.
            TensorPrimitives.Max(input, 0f, output);
            return;
        }
        if (node.Kind == ActivationKind.Relu)
        {
            for (int i = 0; i < input.Length; i++)
            {
                float x = input[i];
                // NaN passes through, as in ONNX Runtime.
                output[i] = x > fatReluTau || float.IsNaN(x) ? x : 0f;
            }
            return;
        }
        for (int i = 0; i < input.Length; i++)
        {
            output[i] = node.Apply(input[i]);
        }
    }

    /// <summary>Arithmetic with the node's constant, broadcast by numpy rules into <paramref name="shape"/>.</summary>
    public static void Binary(ElementwiseNode node, Shape shape, ReadOnlySpan<float> input, Span<float> output)
    {
        if (node.Constant.Data.Length == 1)
        {
            WithScalar(node, input, node.Constant.Data[0], output);
            return;
        }
        float[] c = node.Constant.Data;
        var at = new BroadcastOdometer(shape, shape, node.Constant.Shape);
        for (int i = 0; i < input.Length; i++, at.Next())
        {
            output[i] = node.Apply(input[i], c[at.B]);
        }
    }

    /// <summary>A one-element constant (the usual normalization): the same IEEE operation on every element, vectorized.</summary>
    private static void WithScalar(ElementwiseNode node, ReadOnlySpan<float> input, float c, Span<float> output)
    {
        switch (node.Op)
        {
            case ElementwiseOp.Add:
                TensorPrimitives.Add(input, c, output);
                break;
            case ElementwiseOp.Mul:
                TensorPrimitives.Multiply(input, c, output);
                break;
            case ElementwiseOp.Sub when node.ConstantFirst:
                TensorPrimitives.Subtract(c, input, output);
                break;
            case ElementwiseOp.Sub:
                TensorPrimitives.Subtract(input, c, output);
                break;
            case ElementwiseOp.Div when node.ConstantFirst:
                TensorPrimitives.Divide(c, input, output);
                break;
            case ElementwiseOp.Div:
                TensorPrimitives.Divide(input, c, output);
                break;
            default:
                // Max, Min, PRelu: no vector shortcut; the node's own arithmetic per element.
                for (int i = 0; i < input.Length; i++)
                {
                    output[i] = node.Apply(input[i], c);
                }
                break;
        }
    }

    /// <summary>Per-channel affine transform over axis 1.</summary>
    public static void BatchNorm(BatchNormNode node, Shape shape, ReadOnlySpan<float> input, Span<float> output)
    {
        int channels = shape[1];
        int inner = (int)(shape.ElementCount / shape[0] / channels);
        for (int i = 0; i < input.Length; i++)
        {
            int c = i / inner % channels;
            output[i] = input[i] * node.Scale[c] + node.Shift[c];
        }
    }

    /// <summary>Softmax over the last axis, numerically stable.</summary>
    public static void Softmax(int lastAxis, ReadOnlySpan<float> input, Span<float> output)
    {
        for (int start = 0; start < input.Length; start += lastAxis)
        {
            ReadOnlySpan<float> x = input.Slice(start, lastAxis);
            Span<float> y = output.Slice(start, lastAxis);
            float max = float.NegativeInfinity;
            foreach (float v in x)
            {
                max = Math.Max(max, v);
            }
            float sum = 0f;
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = MathF.Exp(x[i] - max);
                sum += y[i];
            }
            for (int i = 0; i < y.Length; i++)
            {
                y[i] /= sum;
            }
        }
    }
}
