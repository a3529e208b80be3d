using System.Numerics;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.ML.Kernels;

/// <summary>
/// UnIT convolution of one float32 sample. The weight is the control term: its threshold
/// <c>t(T, |w|)</c> is computed once (passed in as <c>weightThresholds</c>) and reused at every
/// output position; a MAC runs only when <c>|x| &gt; t</c>. MACs with a zero weight, a zero
/// activation or a padded input are skipped and counted as zero skips. Each weight meets its
/// activations as one contiguous im2col row, so the compare-and-accumulate runs with SIMD.
/// </summary>
public static class PrunedConvKernel
{
    /// <summary>
    /// Runs one sample. <paramref name="weightThresholds"/> has one entry per weight (ignored where the
    /// weight is 0); <paramref name="columns"/> is scratch of <see cref="ConvGeometry.ColumnsLength"/> elements;
    /// <paramref name="inBounds"/> is <see cref="Im2Col.InBoundsPerKernelPosition"/> of the geometry.
    /// Counts are added to <paramref name="stats"/> when it is not null.
    /// </summary>
    public static void Run(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> weightThresholds, Span<float> output, Span<float> columns, ReadOnlySpan<int> inBounds, LayerStatistics? stats)
    {
        int positions = g.OutH * g.OutW;
        int rows = g.ColumnRows;
        int kernelSize = g.KernelH * g.KernelW;
        long executed = 0, nonzeroMet = 0, tested = 0;
        Span<int> nonzero = rows <= 1024 ? stackalloc int[rows] : new int[rows];
        for (int group = 0; group < g.Groups; group++)
        {
            Im2Col.Fill(g, input, group, columns);
            for (int r = 0; r < rows; r++)
            {
                nonzero[r] = positions - CountZeros(columns.Slice(r * positions, positions));
            }
            for (int m = group * g.OutChannelsPerGroup; m < (group + 1) * g.OutChannelsPerGroup; m++)
            {
                Span<float> o = output.Slice(m * positions, positions);
                o.Fill(bias.IsEmpty ? 0f : bias[m]);
                for (int r = 0; r < rows; r++)
                {
                    int wi = m * rows + r;
                    float w = weight[wi];
                    if (w == 0f)
                    {
                        continue;
                    }
                    executed += AccumulateAbove(columns.Slice(r * positions, positions), w, weightThresholds[wi], o);
                    nonzeroMet += nonzero[r];
                    tested += inBounds[r % kernelSize];
                }
            }
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

    /// <summary>y[i] += x[i] * w where |x[i]| &gt; t; returns how many were added.</summary>
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
                var vy = new Vector<float>(y[i..]) + Vector.ConditionalSelect(mask, vx * vw, Vector<float>.Zero);
                vy.CopyTo(y[i..]);
                count -= mask; // true lanes are -1
            }
            executed = Vector.Sum(count);
        }
        for (; i < x.Length; i++)
        {
            if (MathF.Abs(x[i]) > t)
            {
                y[i] += x[i] * w;
                executed++;
            }
        }
        return executed;
    }

    private static int CountZeros(ReadOnlySpan<float> x)
    {
        int zeros = 0;
        foreach (float v in x)
        {
            zeros += v == 0f ? 1 : 0;
        }
        return zeros;
    }
}
