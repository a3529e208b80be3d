using System.Buffers;
using System.Numerics;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.ML.Kernels;

/// <summary>
/// Counts, for one convolution the C runs by sorted lists (<see cref="SortedListConvolution"/>), what its lists cost on a
/// sample: the activations scanned, the nonzero ones listed, the sorting work, each nonzero weight's binary search in its
/// input channel's list and the entries it then walks (<see cref="LayerStatistics.ListScans"/> and the counts after it).
/// </summary>
internal sealed class SortedListCounts
{
    private readonly int _plane;
    private readonly double[][] _thresholdsOf;

    private SortedListCounts(int plane, double[][] thresholdsOf)
    {
        _plane = plane;
        _thresholdsOf = thresholdsOf;
    }

    /// <summary>
    /// The counter of a convolution with <paramref name="weight"/> ([out, in per group, kh, kw]) and its per-weight
    /// <paramref name="thresholds"/> as the kernel compares them (a MAC runs where |x| &gt; t), or null where
    /// <paramref name="g"/> runs no lists.
    /// </summary>
    public static SortedListCounts? For<TW, TT>(in ConvGeometry g, ReadOnlySpan<TW> weight, ReadOnlySpan<TT> thresholds)
        where TW : INumberBase<TW> where TT : INumberBase<TT>
    {
        if (!SortedListConvolution.Applies(g))
        {
            return null;
        }
        // Weight (m, c, kh, kw) searches the list of input channel (m's group) * InChannelsPerGroup + c.
        var thresholdsOf = new List<double>[g.InChannels];
        for (int c = 0; c < thresholdsOf.Length; c++)
        {
            thresholdsOf[c] = [];
        }
        int rows = g.ColumnRows, kernelSize = g.KernelH * g.KernelW;
        for (int i = 0; i < weight.Length; i++)
        {
            if (!TW.IsZero(weight[i]))
            {
                int m = i / rows, c = i % rows / kernelSize;
                thresholdsOf[m / g.OutChannelsPerGroup * g.InChannelsPerGroup + c].Add(double.CreateTruncating(thresholds[i]));
            }
        }
        // Ascending, so that one merge with a sorted list counts every weight's prefix.
        return new SortedListCounts(g.InH * g.InW, [.. thresholdsOf.Select(t => t.Order().ToArray())]);
    }

    /// <summary>
    /// Adds one sample's list counts for <paramref name="input"/> (the layer's input as the kernel sees it) to
    /// <paramref name="stats"/>; with <paramref name="compensated"/> each weight also walks the rest of its list.
    /// </summary>
    public void Add<TX>(ReadOnlySpan<TX> input, bool compensated, LayerStatistics stats) where TX : INumberBase<TX>
    {
        long entries = 0, sort = 0, search = 0, walked = 0, tail = 0;
        double[] magnitudes = ArrayPool<double>.Shared.Rent(_plane);
        for (int c = 0; c < _thresholdsOf.Length; c++)
        {
            int n = 0;
            foreach (TX x in input.Slice(c * _plane, _plane))
            {
                if (!TX.IsZero(x))
                {
                    magnitudes[n++] = Math.Abs(double.CreateTruncating(x));
                }
            }
            if (n == 0)
            {
                continue;
            }
            Span<double> list = magnitudes.AsSpan(0, n);
            list.Sort();
            double[] thresholds = _thresholdsOf[c];
            entries += n;
            sort += n > 1 ? (long)n * (BitOperations.Log2((uint)n - 1) + 1) : 0;
            search += (long)thresholds.Length * (BitOperations.Log2((uint)n) + 1);
            // Both ascending: below counts the entries at most the current threshold.
            int below = 0;
            foreach (double t in thresholds)
            {
                while (below < n && list[below] <= t)
                {
                    below++;
                }
                walked += n - below;
                tail += compensated ? below : 0;
            }
        }
        ArrayPool<double>.Shared.Return(magnitudes);
        stats.ListScans += (long)_thresholdsOf.Length * _plane;
        stats.ListEntries += entries;
        stats.ListSortWork += sort;
        stats.ListSearchSteps += search;
        stats.ListWalked += walked;
        stats.ListTailWalked += tail;
    }
}
