using UnIT.ML.Graph;

namespace UnIT.ML.Kernels;

/// <summary>Takes a strided block of one sample (Slice, Split).</summary>
internal static class SliceKernel
{
    /// <summary>Walks the output in order; the input offset moves by each axis's step.</summary>
    public static void Run(SliceNode node, Shape inShape, ReadOnlySpan<float> input, Span<float> output)
    {
        int rank = node.Starts.Length;
        var stride = new int[rank];
        for (int ax = rank - 1, s = 1; ax >= 0; s *= inShape[ax + 1], ax--)
        {
            stride[ax] = s;
        }
        int from = 0;
        for (int ax = 0; ax < rank; ax++)
        {
            from += node.Starts[ax] * stride[ax];
        }
        int[] step = node.Steps.Select((st, ax) => st * stride[ax]).ToArray();
        var index = new int[rank];
        for (int i = 0; i < output.Length; i++)
        {
            output[i] = input[from];
            for (int ax = rank - 1; ax >= 0; ax--)
            {
                from += step[ax];
                if (++index[ax] < node.Counts[ax])
                {
                    break;
                }
                from -= step[ax] * index[ax];
                index[ax] = 0;
            }
        }
    }
}
