using UnIT.ML.Graph;

namespace UnIT.ML.Kernels;

/// <summary>Softmax or LogSoftmax of one sample over a run of axes, for every index of the axes before and after it.</summary>
internal static class AxisSoftmaxKernel
{
    /// <summary>Numerically stable: the maximum is subtracted before exp; sums in double.</summary>
    public static void Run(AxisSoftmaxNode node, Shape shape, ReadOnlySpan<float> input, Span<float> output)
    {
        int length = 1, inner = 1;
        for (int ax = node.FirstAxis; ax <= node.LastAxis; ax++)
        {
            length *= shape[ax];
        }
        for (int ax = node.LastAxis + 1; ax < shape.Rank; ax++)
        {
            inner *= shape[ax];
        }
        int outer = input.Length / (length * inner);
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < inner; j++)
            {
                int start = o * length * inner + j;
                float max = float.NegativeInfinity;
                for (int k = 0; k < length; k++)
                {
                    max = Math.Max(max, input[start + k * inner]);
                }
                double sum = 0;
                for (int k = 0; k < length; k++)
                {
                    sum += Math.Exp(input[start + k * inner] - max);
                }
                double logSum = Math.Log(sum);
                for (int k = 0; k < length; k++)
                {
                    double shifted = input[start + k * inner] - max;
                    output[start + k * inner] = (float)(node.Log ? shifted - logSum : Math.Exp(shifted) / sum);
                }
            }
        }
    }
}
