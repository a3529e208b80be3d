using UnIT.ML.Graph;

namespace UnIT.ML.Kernels;

/// <summary>Local response normalization of one sample [C, spatial...] across channels.</summary>
internal static class LrnKernel
{
    /// <summary>y = x * (bias + alpha / size * window sum of x^2)^-beta, the sum in double.</summary>
    public static void Run(LrnNode node, Shape shape, ReadOnlySpan<float> input, Span<float> output)
    {
        int channels = shape[1];
        int inner = input.Length / channels;
        int below = (node.Size - 1) / 2, above = node.Size - 1 - below;
        double scale = (double)node.Alpha / node.Size;
        for (int c = 0; c < channels; c++)
        {
            int from = Math.Max(0, c - below), to = Math.Min(channels - 1, c + above);
            for (int i = 0; i < inner; i++)
            {
                double sum = 0;
                for (int k = from; k <= to; k++)
                {
                    double v = input[k * inner + i];
                    sum += v * v;
                }
                output[c * inner + i] = (float)(input[c * inner + i] * Math.Pow(node.Bias + scale * sum, -node.Beta));
            }
        }
    }
}
