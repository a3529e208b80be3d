using UnIT.ML.Graph;

namespace UnIT.ML.Kernels;

/// <summary>Pads one sample: every output cell reads the input cell it maps to, or the fill value.</summary>
internal static class PadKernel
{
    /// <summary>Maps each output index back per axis: constant mode fills outside cells, reflect mirrors, edge clamps.</summary>
    public static void Run(PadNode node, Shape inShape, Shape outShape, ReadOnlySpan<float> input, Span<float> output)
    {
        int rank = inShape.Rank;
        var inStrides = new int[rank];
        for (int ax = rank - 1, s = 1; ax >= 1; s *= inShape[ax], ax--)
        {
            inStrides[ax] = s;
        }
        var index = new int[rank];
        for (int i = 0; i < output.Length; i++)
        {
            int from = 0;
            bool inside = true;
            for (int ax = 1; ax < rank && inside; ax++)
            {
                int size = inShape[ax];
                int at = index[ax] - node.PadsBegin[ax];
                if (at < 0 || at >= size)
                {
                    switch (node.Mode)
                    {
                        case PadMode.Constant:
                            inside = false;
                            break;
                        case PadMode.Edge:
                            at = Math.Clamp(at, 0, size - 1);
                            break;
                        default:
                            // Pads are below the size, so one mirror step lands inside.
                            at = at < 0 ? -at : 2 * (size - 1) - at;
                            break;
                    }
                }
                from += at * inStrides[ax];
            }
            output[i] = inside ? input[from] : node.Value;
            for (int ax = rank - 1; ax >= 1 && ++index[ax] == outShape[ax]; ax--)
            {
                index[ax] = 0;
            }
        }
    }
}
