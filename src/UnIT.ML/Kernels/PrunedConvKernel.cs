using System.Numerics;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.ML.Kernels;

/// <summary>
/// UnIT convolution of one float32 sample. The weight is the control term: its threshold
/// <c>t(T, |w|)</c> is computed once (passed in as <c>weightThresholds</c>) and reused at every
/// output position; a MAC runs only when <c>|x| &gt; t</c>. MACs with a zero weight, a zero
/// activation or a padded input are skipped and counted as zero skips.
/// <para>
/// Algorithm: im2col puts the activations each weight meets in one contiguous row; with 256-bit SIMD the
/// register-blocked <see cref="TileKernel"/> then runs 4 output channels x 16 positions at a time, masking each
/// product by its compare (elsewhere: one masked row update per weight). Only the executed count needs the
/// masks; the other counts follow from per-row totals: a nonzero weight at im2col row r meets the row's nonzero
/// activations (each either executed or skipped by threshold) and its in-bounds positions (each one threshold
/// test), so zero skips, threshold skips and comparisons cost one pass over the im2col rows and one over the
/// weights per sample. Without statistics none of this runs.
/// </para>
/// </summary>
public static class PrunedConvKernel
{
    /// <summary>
    /// Runs one sample. <paramref name="weightThresholds"/> has one entry per weight and must be +infinity where
    /// the weight is 0; <paramref name="columns"/> is scratch of <see cref="ConvGeometry.ColumnsLength"/> elements;
    /// <paramref name="inBounds"/> is <see cref="Im2Col.InBoundsPerKernelPosition"/> of the geometry.
    /// Counts are added to <paramref name="stats"/> when it is not null.
    /// </summary>
    public static void Run(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> weightThresholds, Span<float> output, Span<float> columns, ReadOnlySpan<int> inBounds, LayerStatistics? stats)
    {
        int positions = g.OutH * g.OutW;
        int rows = g.ColumnRows;
        int kernelSize = g.KernelH * g.KernelW;
        int perGroup = g.OutChannelsPerGroup;
        long executed = 0, nonzeroMet = 0, tested = 0;
        for (int group = 0; group < g.Groups; group++)
        {
            Im2Col.Fill(g, input, group, columns);
            int first = group * perGroup;
            ReadOnlySpan<float> w = weight.Slice(first * rows, perGroup * rows);
            ReadOnlySpan<float> t = weightThresholds.Slice(first * rows, perGroup * rows);
            Span<float> o = output.Slice(first * positions, perGroup * positions);
            if (stats is not null)
            {
                for (int r = 0; r < rows; r++)
                {
                    int weights = NonzeroWeights(w, rows, r);
                    nonzeroMet += (long)weights * (positions - CountZeros(columns.Slice(r * positions, positions)));
                    tested += (long)weights * inBounds[r % kernelSize];
                }
            }
            executed += (TileKernel.IsSupported, stats is null) switch
            {
                (true, true) => TileKernel.Run<TileKernel.Pruned>(perGroup, positions, rows, w, t, columns, bias, first, o),
                (true, false) => TileKernel.Run<TileKernel.PrunedCounting>(perGroup, positions, rows, w, t, columns, bias, first, o),
                _ => RowUpdates(perGroup, positions, rows, w, t, columns, bias, first, o),
            };
        }
        if (stats is not null)
        {
            long total = (long)g.OutChannels * positions * g.InChannelsPerGroup * kernelSize;
            stats.Total += total;
            stats.Executed += executed;
            // Every nonzero activation a nonzero weight met was either executed or skipped by threshold.
            stats.SkippedThreshold += nonzeroMet - executed;
            stats.SkippedZero += total - nonzeroMet;
            // One zero test per weight, one threshold test per in-bounds activation of a nonzero weight.
            stats.Comparisons += weight.Length + tested;
            stats.WeightReads += weight.Length;
            stats.ActivationReads += tested;
        }
    }

    /// <summary>The portable path: per weight, one masked update of its output row; returns the MACs executed.</summary>
    private static long RowUpdates(int m, int positions, int rows, ReadOnlySpan<float> weight, ReadOnlySpan<float> thresholds,
        ReadOnlySpan<float> columns, ReadOnlySpan<float> bias, int biasOffset, Span<float> output)
    {
        long executed = 0;
        for (int j = 0; j < m; j++)
        {
            Span<float> o = output.Slice(j * positions, positions);
            o.Fill(bias.IsEmpty ? 0f : bias[biasOffset + j]);
            for (int r = 0; r < rows; r++)
            {
                float w = weight[j * rows + r];
                if (w != 0f)
                {
                    executed += AccumulateAbove(columns.Slice(r * positions, positions), w, thresholds[j * rows + r], o);
                }
            }
        }
        return executed;
    }

    /// <summary>How many weights in column <paramref name="r"/> of the <paramref name="rows"/>-wide weight matrix are nonzero.</summary>
    private static int NonzeroWeights(ReadOnlySpan<float> weight, int rows, int r)
    {
        int count = 0;
        for (int i = r; i < weight.Length; i += rows)
        {
            count += weight[i] != 0f ? 1 : 0;
        }
        return count;
    }

    /// <summary>y[i] = fma(x[i], w, y[i]) where |x[i]| &gt; t (one rounding, as the tile kernel adds); returns how many were added.</summary>
    internal static int AccumulateAbove(ReadOnlySpan<float> x, float w, float t, Span<float> y)
    {
        int i = 0, executed = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var vt = new Vector<float>(t);
            var vw = new Vector<float>(w);
            Vector<int> count = Vector<int>.Zero;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var vx = new Vector<float>(x[i..]);
                Vector<int> mask = Vector.GreaterThan(Vector.Abs(vx), vt);
                var vy = Vector.FusedMultiplyAdd(Vector.ConditionalSelect(mask, vx, Vector<float>.Zero), vw, new Vector<float>(y[i..]));
                vy.CopyTo(y[i..]);
                count -= mask; // true lanes are -1
            }
            executed = Vector.Sum(count);
        }
        for (; i < x.Length; i++)
        {
            if (MathF.Abs(x[i]) > t)
            {
                y[i] = MathF.FusedMultiplyAdd(x[i], w, y[i]);
                executed++;
            }
        }
        return executed;
    }

    private static int CountZeros(ReadOnlySpan<float> x)
    {
        int i = 0, zeros = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            Vector<int> count = Vector<int>.Zero;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                count -= Vector.Equals(new Vector<float>(x[i..]), Vector<float>.Zero);
            }
            zeros = Vector.Sum(count);
        }
        for (; i < x.Length; i++)
        {
            zeros += x[i] == 0f ? 1 : 0;
        }
        return zeros;
    }
}
