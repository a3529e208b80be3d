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
/// Algorithm: with 256-bit SIMD the register-blocked <see cref="TileKernel"/> runs 4 output channels x 16 positions
/// at a time, directly over the input planes (stride 1 in width) or over im2col rows, as <see cref="ConvKernel"/>
/// chooses, masking each product by its compare (elsewhere: one masked im2col row update per weight). Only the
/// executed count needs the masks; the other counts follow from totals: a nonzero weight at kernel position r
/// meets the nonzero activations of its window (each either executed or skipped by threshold) and its in-bounds
/// positions (each one threshold test). The nonzero activations of each window come from per-row prefix counts
/// of the input (one pass over the rows), the nonzero weights per kernel position from one pass over the weights,
/// so statistics cost little beyond the masked count; without statistics none of this runs.
/// </para>
/// </summary>
public static class PrunedConvKernel
{
    private const int StackLimit = 1024;

    /// <summary>
    /// Runs one sample. <paramref name="weightThresholds"/> has one entry per weight and must be +infinity where
    /// the weight is 0; <paramref name="scratch"/> has at least <see cref="ConvKernel.ScratchLength"/> elements;
    /// <paramref name="inBounds"/> is <see cref="Im2Col.InBoundsPerKernelPosition"/> of the geometry.
    /// Counts are added to <paramref name="stats"/> when it is not null.
    /// </summary>
    public static void Run(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> weightThresholds, Span<float> output, Span<float> scratch, ReadOnlySpan<int> inBounds, LayerStatistics? stats) =>
        Run(g, input, weight, bias, weightThresholds, output, scratch, inBounds, stats, ConvKernel.UsesDirect(g));

    /// <summary>As the public overload, with the layout given (tests run both): direct only for stride 1 in width with SIMD.</summary>
    internal static void Run(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> weightThresholds, Span<float> output, Span<float> scratch, ReadOnlySpan<int> inBounds, LayerStatistics? stats, bool direct)
    {
        int positions = g.OutH * g.OutW;
        int rows = g.ColumnRows;
        int kernelSize = g.KernelH * g.KernelW;
        int perGroup = g.OutChannelsPerGroup;
        long executed = 0;
        if (TileKernel.IsSupported)
        {
            executed = stats is null
                ? ConvKernel.RunTiles<TileKernel.Pruned>(g, input, weight, weightThresholds, bias, output, scratch, direct)
                : ConvKernel.RunTiles<TileKernel.PrunedCounting>(g, input, weight, weightThresholds, bias, output, scratch, direct);
        }
        else
        {
            for (int group = 0; group < g.Groups; group++)
            {
                Im2Col.Fill(g, input, group, scratch);
                int first = group * perGroup;
                executed += RowUpdates(perGroup, positions, rows, weight.Slice(first * rows, perGroup * rows), weightThresholds.Slice(first * rows, perGroup * rows),
                    scratch, bias, first, output.Slice(first * positions, perGroup * positions));
            }
        }
        if (stats is not null)
        {
            (long nonzeroMet, long tested) = Met(g, input, weight, inBounds);
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

    /// <summary>
    /// Over all nonzero weights, how many nonzero activations and how many in-bounds activations they meet: per group and
    /// kernel position r (channel, kh, kw), the nonzero weights at r times the nonzero inputs of r's window (im2col row r).
    /// A window row is a run of an input row (stride 1 in width), counted from the row's prefix counts, or every
    /// stride-th element of it.
    /// </summary>
    private static (long NonzeroMet, long Tested) Met(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<int> inBounds)
    {
        int rows = g.ColumnRows, kernelSize = g.KernelH * g.KernelW, perGroup = g.OutChannelsPerGroup;
        int outH = g.OutH, outW = g.OutW, inH = g.InH, inW = g.InW;
        Span<int> weights = rows <= StackLimit ? stackalloc int[rows] : new int[rows];
        Span<int> prefix = inW < StackLimit ? stackalloc int[inW + 1] : new int[inW + 1];
        Span<(int Start, int End)> valid = g.KernelW <= StackLimit ? stackalloc (int, int)[g.KernelW] : new (int, int)[g.KernelW];
        for (int kw = 0; kw < g.KernelW; kw++)
        {
            valid[kw] = ConvKernel.ValidColumns(g, kw, outW);
        }
        long nonzeroMet = 0, tested = 0;
        for (int group = 0; group < g.Groups; group++)
        {
            weights.Clear();
            ReadOnlySpan<float> w = weight.Slice(group * perGroup * rows, perGroup * rows);
            for (int i = 0; i < w.Length; i++)
            {
                weights[i % rows] += w[i] != 0f ? 1 : 0;
            }
            for (int r = 0; r < rows; r++)
            {
                tested += (long)weights[r] * inBounds[r % kernelSize];
            }
            for (int c = 0; c < g.InChannelsPerGroup; c++)
            {
                ReadOnlySpan<float> plane = input.Slice((group * g.InChannelsPerGroup + c) * inH * inW, inH * inW);
                for (int kh = 0; kh < g.KernelH; kh++)
                {
                    for (int oh = 0; oh < outH; oh++)
                    {
                        int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                        if ((uint)ih >= (uint)inH)
                        {
                            continue;
                        }
                        ReadOnlySpan<float> line = plane.Slice(ih * inW, inW);
                        if (g.StrideW == 1)
                        {
                            prefix[0] = 0;
                            for (int iw = 0; iw < inW; iw++)
                            {
                                prefix[iw + 1] = prefix[iw] + (line[iw] != 0f ? 1 : 0);
                            }
                        }
                        for (int kw = 0; kw < g.KernelW; kw++)
                        {
                            (int start, int end) = valid[kw];
                            int offset = kw * g.DilationW - g.PadLeft;
                            int nonzero = 0;
                            if (g.StrideW == 1 && end > start)
                            {
                                nonzero = prefix[end + offset] - prefix[start + offset];
                            }
                            else
                            {
                                for (int ow = start; ow < end; ow++)
                                {
                                    nonzero += line[ow * g.StrideW + offset] != 0f ? 1 : 0;
                                }
                            }
                            nonzeroMet += (long)weights[(c * g.KernelH + kh) * g.KernelW + kw] * nonzero;
                        }
                    }
                }
            }
        }
        return (nonzeroMet, tested);
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
}
