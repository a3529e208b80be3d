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
/// positions (each one threshold test). Both totals come from <see cref="ConvWeightCounts"/>, made once per layer:
/// one vectorized pass over the sample's input, so statistics cost little beyond the masked count; without
/// statistics none of this runs.
/// </para>
/// </summary>
public static class PrunedConvKernel
{
    /// <summary>
    /// Runs one sample. <paramref name="weightThresholds"/> has one entry per weight and must be +infinity where
    /// the weight is 0; <paramref name="scratch"/> has at least <see cref="ConvKernel.ScratchLength"/> elements;
    /// <paramref name="counts"/> are the layer's <see cref="ConvWeightCounts"/> (read only with statistics).
    /// Counts are added to <paramref name="stats"/> when it is not null.
    /// </summary>
    public static void Run(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> weightThresholds, Span<float> output, Span<float> scratch, ConvWeightCounts counts, LayerStatistics? stats) =>
        Run(g, input, weight, bias, weightThresholds, output, scratch, counts, stats, ConvKernel.UsesDirect(g));

    /// <summary>As the public overload, with the layout given (tests run both): direct only for stride 1 in width with SIMD.</summary>
    internal static void Run(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> weightThresholds, Span<float> output, Span<float> scratch, ConvWeightCounts counts, LayerStatistics? stats, bool direct)
    {
        long executed;
        if (TileKernel.IsSupported)
        {
            // The blend form equals the AND form bit for bit unless an accumulator starts at -0 (see TileKernel).
            bool negativeZeroBias = HasNegativeZero(bias);
            executed = (stats is null, negativeZeroBias) switch
            {
                (true, false) => ConvKernel.RunTiles<TileKernel.Pruned>(g, input, weight, weightThresholds, bias, output, scratch, direct),
                (false, false) => ConvKernel.RunTiles<TileKernel.PrunedCounting>(g, input, weight, weightThresholds, bias, output, scratch, direct),
                (true, true) => ConvKernel.RunTiles<TileKernel.PrunedAnd>(g, input, weight, weightThresholds, bias, output, scratch, direct),
                (false, true) => ConvKernel.RunTiles<TileKernel.PrunedAndCounting>(g, input, weight, weightThresholds, bias, output, scratch, direct),
            };
        }
        else
        {
            executed = ByRows(g, input, weight, bias, weightThresholds, [], output, scratch);
        }
        Count(g, input, weight.Length, counts, executed, compensated: false, stats);
    }

    /// <summary>
    /// The public <c>Run</c> with skip compensation (<see cref="SkipCompensation"/>): a MAC the threshold skips adds
    /// <paramref name="compensation"/>[i] (positive activation) or [weights + i] (negative one) for its weight i instead of
    /// nothing; a zero weight's constants must be 0 (its MACs are zero skips). Runs the tile kernel, or the row-update
    /// path (per weight, one masked update of its output row over im2col columns) without 256-bit SIMD or with a -0 bias,
    /// so <paramref name="scratch"/> needs <see cref="CompensatedScratchLength"/> elements.
    /// </summary>
    public static void RunCompensated(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> weightThresholds, ReadOnlySpan<float> compensation, Span<float> output, Span<float> scratch, ConvWeightCounts counts, LayerStatistics? stats) =>
        // A -0 bias takes the row path, whose masked FMAs (AND form) are the reference for it, as in Run.
        RunCompensated(g, input, weight, bias, weightThresholds, compensation, output, scratch, counts, stats,
            TileKernel.IsSupported && !HasNegativeZero(bias) ? ConvKernel.UsesDirect(g) : null);

    /// <summary>As the public overload with the path given (tests run all three): tiles, direct or over im2col, or (null) the row path.</summary>
    internal static void RunCompensated(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> weightThresholds, ReadOnlySpan<float> compensation, Span<float> output, Span<float> scratch, ConvWeightCounts counts, LayerStatistics? stats,
        bool? direct)
    {
        if (compensation.Length != 2 * weight.Length)
        {
            throw new ArgumentException($"Skip compensation needs 2 values per weight ({2 * weight.Length}), not {compensation.Length}.", nameof(compensation));
        }
        if (scratch.Length < CompensatedScratchLength(g))
        {
            throw new ArgumentException($"The compensated kernel needs {CompensatedScratchLength(g)} scratch elements, not {scratch.Length}.", nameof(scratch));
        }
        long executed;
        if (direct is bool layout)
        {
            var constants = new TileKernel.Compensation(compensation[..weight.Length], compensation[weight.Length..]);
            executed = stats is null
                ? ConvKernel.RunTiles<TileKernel.Compensated>(g, input, weight, weightThresholds, bias, output, scratch, layout, constants)
                : ConvKernel.RunTiles<TileKernel.CompensatedCounting>(g, input, weight, weightThresholds, bias, output, scratch, layout, constants);
        }
        else
        {
            executed = ByRows(g, input, weight, bias, weightThresholds, compensation, output, scratch);
        }
        Count(g, input, weight.Length, counts, executed, compensated: true, stats);
    }

    /// <summary>The scratch the compensated runs need: enough for either of their paths.</summary>
    public static int CompensatedScratchLength(in ConvGeometry g) => Math.Max(ConvKernel.ScratchLength(g), g.ColumnsLength);

    /// <summary>Every nonzero activation a nonzero weight met was either executed or skipped by threshold (and then compensated, if so).</summary>
    private static void Count(in ConvGeometry g, ReadOnlySpan<float> input, int weights, ConvWeightCounts counts, long executed, bool compensated, LayerStatistics? stats) =>
        stats?.AddConvolution(g, weights, counts.Tested, counts.Tested, counts.TestedRows, executed, counts.NonzeroMet(input) - executed, compensated);

    /// <summary>The portable path over im2col columns, group by group; returns the MACs executed.</summary>
    private static long ByRows(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> weightThresholds, ReadOnlySpan<float> compensation, Span<float> output, Span<float> scratch)
    {
        int positions = g.OutH * g.OutW, rows = g.ColumnRows, perGroup = g.OutChannelsPerGroup;
        long executed = 0;
        for (int group = 0; group < g.Groups; group++)
        {
            Im2Col.Fill(g, input, group, scratch);
            int first = group * perGroup;
            Range own = (first * rows)..((first + perGroup) * rows);
            ReadOnlySpan<float> positive = compensation.IsEmpty ? [] : compensation[..weight.Length][own];
            ReadOnlySpan<float> negative = compensation.IsEmpty ? [] : compensation[weight.Length..][own];
            executed += RowUpdates(perGroup, positions, rows, weight[own], weightThresholds[own], positive, negative,
                scratch, bias, first, output.Slice(first * positions, perGroup * positions));
        }
        return executed;
    }

    private static bool HasNegativeZero(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (v == 0f && float.IsNegative(v))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Per weight, one masked update of its output row; with compensation (<paramref name="positive"/> and
    /// <paramref name="negative"/> not empty) a skipped nonzero activation adds its weight's constant. Returns the MACs executed.
    /// </summary>
    private static long RowUpdates(int m, int positions, int rows, ReadOnlySpan<float> weight, ReadOnlySpan<float> thresholds,
        ReadOnlySpan<float> positive, ReadOnlySpan<float> negative, ReadOnlySpan<float> columns, ReadOnlySpan<float> bias, int biasOffset, Span<float> output)
    {
        long executed = 0;
        for (int j = 0; j < m; j++)
        {
            Span<float> o = output.Slice(j * positions, positions);
            o.Fill(bias.IsEmpty ? 0f : bias[biasOffset + j]);
            for (int r = 0; r < rows; r++)
            {
                int i = j * rows + r;
                if (weight[i] == 0f)
                {
                    continue;
                }
                ReadOnlySpan<float> x = columns.Slice(r * positions, positions);
                executed += AccumulateAbove(x, weight[i], thresholds[i], o);
                if (!positive.IsEmpty)
                {
                    AddSkipConstants(x, thresholds[i], positive[i], negative[i], o);
                }
            }
        }
        return executed;
    }

    /// <summary>
    /// The skip compensation of one weight's row: y[i] += <paramref name="positive"/> where 0 &lt; x[i] &lt;= t and
    /// <paramref name="negative"/> where -t &lt;= x[i] &lt; 0 (the lanes <see cref="AccumulateAbove"/> leaves alone, zeros apart).
    /// </summary>
    internal static void AddSkipConstants(ReadOnlySpan<float> x, float t, float positive, float negative, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var vt = new Vector<float>(t);
            var vp = new Vector<float>(positive);
            var vn = new Vector<float>(negative);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var vx = new Vector<float>(x[i..]);
                var vy = new Vector<float>(y[i..]);
                Vector<int> above = Vector.GreaterThan(vx, Vector<float>.Zero), below = Vector.LessThan(vx, Vector<float>.Zero);
                Vector<int> skipped = Vector.AndNot(above | below, Vector.GreaterThan(Vector.Abs(vx), vt));
                Vector.ConditionalSelect(skipped, vy + Vector.ConditionalSelect(above, vp, vn), vy).CopyTo(y[i..]);
            }
        }
        for (; i < x.Length; i++)
        {
            if (x[i] != 0f && !(MathF.Abs(x[i]) > t))
            {
                y[i] += x[i] > 0f ? positive : negative;
            }
        }
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
