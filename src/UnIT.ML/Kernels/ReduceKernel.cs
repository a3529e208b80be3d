using UnIT.ML.Graph;

namespace UnIT.ML.Kernels;

/// <summary>Reduces one sample over some of its axes (ReduceMean/Max/Min/Sum/Prod, GlobalMaxPool).</summary>
internal static class ReduceKernel
{
    /// <summary>Accumulates in double, each input cell into the output cell it reduces to, then finishes (mean) and rounds once.</summary>
    public static void Run(ReduceNode node, Shape inShape, ReadOnlySpan<float> input, Span<float> output, Func<double, float>? roundExact)
    {
        int rank = inShape.Rank;
        // The output offset of each input axis: 0 along reduced axes.
        var outStride = new int[rank];
        for (int ax = rank - 1, s = 1; ax >= 1; ax--)
        {
            if (!node.Axes.Contains(ax))
            {
                outStride[ax] = s;
                s *= inShape[ax];
            }
        }
        var acc = new double[output.Length];
        Array.Fill(acc, node.Kind switch
        {
            ReduceKind.Max => double.NegativeInfinity,
            ReduceKind.Min => double.PositiveInfinity,
            ReduceKind.Prod => 1.0,
            _ => 0.0,
        });
        var index = new int[rank];
        int to = 0;
        for (int i = 0; i < input.Length; i++)
        {
            double v = input[i];
            acc[to] = node.Kind switch
            {
                ReduceKind.Max => v > acc[to] || double.IsNaN(v) ? v : acc[to],
                ReduceKind.Min => v < acc[to] || double.IsNaN(v) ? v : acc[to],
                ReduceKind.Prod => acc[to] * v,
                _ => acc[to] + v,
            };
            for (int ax = rank - 1; ax >= 1; ax--)
            {
                to += outStride[ax];
                if (++index[ax] < inShape[ax])
                {
                    break;
                }
                to -= outStride[ax] * index[ax];
                index[ax] = 0;
            }
        }
        int count = input.Length / output.Length;
        Func<double, float> round = roundExact ?? (v => (float)v);
        for (int o = 0; o < output.Length; o++)
        {
            output[o] = round(node.Kind == ReduceKind.Mean ? acc[o] / count : acc[o]);
        }
    }
}
