using UnIT.ML.Graph;

namespace UnIT.ML.Kernels;

/// <summary>Transposes one sample's axes.</summary>
internal static class TransposeKernel
{
    /// <summary>Writes the output in order, walking the input with the permuted strides.</summary>
    public static void Run(int[] perm, Shape inShape, Shape outShape, ReadOnlySpan<float> input, Span<float> output)
    {
        int rank = perm.Length;
        var inStrides = new int[rank];
        for (int ax = rank - 1, stride = 1; ax >= 0; stride *= inShape[ax], ax--)
        {
            inStrides[ax] = stride;
        }
        int[] step = perm.Select(p => inStrides[p]).ToArray();
        var index = new int[rank];
        int from = 0;
        for (int i = 0; i < output.Length; i++)
        {
            output[i] = input[from];
            for (int ax = rank - 1; ax >= 0; ax--)
            {
                from += step[ax];
                if (++index[ax] < outShape[ax])
                {
                    break;
                }
                from -= step[ax] * index[ax];
                index[ax] = 0;
            }
        }
    }
}
