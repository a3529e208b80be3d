using System.Numerics.Tensors;

namespace UnIT.ML.Kernels;

/// <summary>Dense float32 fully connected layer of one row: y[n] = bias[n] + sum_k x[k] * W[n, k].</summary>
public static class FullyConnectedKernel
{
    /// <summary>Fast path (vectorized dot products). <paramref name="output"/> is overwritten.</summary>
    public static void Dense(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output)
    {
        int k = input.Length;
        for (int n = 0; n < output.Length; n++)
        {
            output[n] = (bias.IsEmpty ? 0f : bias[n]) + TensorPrimitives.Dot(input, weight.Slice(n * k, k));
        }
    }

    /// <summary>Reference path: every MAC spelled out.</summary>
    public static void Reference(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output)
    {
        int k = input.Length;
        for (int n = 0; n < output.Length; n++)
        {
            float acc = bias.IsEmpty ? 0f : bias[n];
            for (int i = 0; i < k; i++)
            {
                acc += input[i] * weight[n * k + i];
            }
            output[n] = acc;
        }
    }
}
