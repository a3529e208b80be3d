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
    private readonly int[][] _weightsOf;

    private SortedListCounts(int plane, int[][] weightsOf)
    {
        _plane = plane;
        _weightsOf = weightsOf;
    }

    /// <summary>The counter of a convolution with <paramref name="weight"/> ([out, in per group, kh, kw]), or null where <paramref name="g"/> runs no lists.</summary>
    public static SortedListCounts? For<T>(in ConvGeometry g, ReadOnlySpan<T> weight) where T : INumberBase<T>
    {
        if (!SortedListConvolution.Applies(g))
        {
            return null;
        }
        // Weight (m, c, kh, kw) searches the list of input channel (m's group) * InChannelsPerGroup + c.
        var weightsOf = new List<int>[g.InChannels];
        for (int c = 0; c < weightsOf.Length; c++)
        {
            weightsOf[c] = [];
        }
        int rows = g.ColumnRows, kernelSize = g.KernelH * g.KernelW;
        for (int i = 0; i < weight.Length; i++)
        {
            if (!T.IsZero(weight[i]))
            {
                int m = i / rows, c = i % rows / kernelSize;
                weightsOf[m / g.OutChannelsPerGroup * g.InChannelsPerGroup + c].Add(i);
            }
        }
        return new SortedListCounts(g.InH * g.InW, [.. weightsOf.Select(w => w.ToArray())]);
    }

    /// <summary>
    /// Adds one sample's list counts to <paramref name="stats"/>: <paramref name="input"/> is the layer's input and
    /// <paramref name="thresholds"/> the per-weight thresholds, both as the kernel compares them (a MAC runs where |x| &gt; t);
    /// with <paramref name="compensated"/> each weight also walks the rest of its list.
    /// </summary>
    public void Add<TX, TT>(ReadOnlySpan<TX> input, ReadOnlySpan<TT> thresholds, bool compensated, LayerStatistics stats)
        where TX : INumberBase<TX> where TT : INumberBase<TT>
    {
        long entries = 0, sort = 0, search = 0, walked = 0, tail = 0;
        double[] magnitudes = ArrayPool<double>.Shared.Rent(_plane);
        for (int c = 0; c < _weightsOf.Length; c++)
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
            entries += n;
            sort += n > 1 ? (long)n * (BitOperations.Log2((uint)n - 1) + 1) : 0;
            search += (long)_weightsOf[c].Length * (BitOperations.Log2((uint)n) + 1);
            foreach (int w in _weightsOf[c])
            {
                int kept = n - AtOrBelow(list, double.CreateTruncating(thresholds[w]));
                walked += kept;
                tail += compensated ? n - kept : 0;
            }
        }
        ArrayPool<double>.Shared.Return(magnitudes);
        stats.ListScans += (long)_weightsOf.Length * _plane;
        stats.ListEntries += entries;
        stats.ListSortWork += sort;
        stats.ListSearchSteps += search;
        stats.ListWalked += walked;
        stats.ListTailWalked += tail;
    }

    /// <summary>How many of the ascending <paramref name="sorted"/> are at most <paramref name="t"/>.</summary>
    private static int AtOrBelow(ReadOnlySpan<double> sorted, double t)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= t)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
