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
    private readonly float[][] _thresholdsOf;

    private SortedListCounts(int plane, float[][] thresholdsOf)
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
        // As floats: a float threshold is exact, and an integer one past 2^24 rounds but stays above every int16 |x|.
        var thresholdsOf = new List<float>[g.InChannels];
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
                thresholdsOf[m / g.OutChannelsPerGroup * g.InChannelsPerGroup + c].Add(float.CreateTruncating(thresholds[i]));
            }
        }
        // Ascending, so that an entry's count of the thresholds below it is one search.
        return new SortedListCounts(g.InH * g.InW, [.. thresholdsOf.Select(t => t.Order().ToArray())]);
    }

    /// <summary>
    /// Adds one sample's list counts for <paramref name="input"/> (the layer's input as the kernel sees it) to
    /// <paramref name="stats"/>; with <paramref name="compensated"/> each weight also walks the rest of its list. Where
    /// <paramref name="stats"/> does not count lists, it only counts the sample as uncounted.
    /// </summary>
    public void Add<TX>(ReadOnlySpan<TX> input, bool compensated, LayerStatistics stats) where TX : INumberBase<TX>
    {
        if (!stats.CountsSortedLists)
        {
            stats.ListsUncounted++;
            return;
        }
        long entries = 0, sort = 0, search = 0, walked = 0, tail = 0;
        for (int c = 0; c < _thresholdsOf.Length; c++)
        {
            float[] thresholds = _thresholdsOf[c];
            // A weight walks the entries above its threshold and (compensated) passes the rest: summed over the weights,
            // the walk is each entry's count of thresholds below it, so no list needs sorting here.
            int n = 0;
            long below = 0;
            foreach (TX x in input.Slice(c * _plane, _plane))
            {
                if (!TX.IsZero(x))
                {
                    n++;
                    below += SortedSearch.CountBelow(thresholds, Math.Abs(float.CreateTruncating(x)));
                }
            }
            if (n == 0)
            {
                continue;
            }
            entries += n;
            sort += n > 1 ? (long)n * (BitOperations.Log2((uint)n - 1) + 1) : 0;
            search += (long)thresholds.Length * (BitOperations.Log2((uint)n) + 1);
            walked += below;
            tail += compensated ? (long)n * thresholds.Length - below : 0;
        }
        stats.ListScans += (long)_thresholdsOf.Length * _plane;
        stats.ListEntries += entries;
        stats.ListSortWork += sort;
        stats.ListSearchSteps += search;
        stats.ListWalked += walked;
        stats.ListTailWalked += tail;
    }
}
