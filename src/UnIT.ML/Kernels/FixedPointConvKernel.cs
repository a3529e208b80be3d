using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.ML.Kernels;

/// <summary>
/// UnIT convolution of one sample in int16 fixed point, as the MSP430 would compute it: int16
/// activations and weights, int32 saturating accumulators, bias in the product's Q format, the
/// per-weight integer thresholds precomputed by the division approximator, output requantized to int16.
/// Only integer operations. Each accumulator adds its products in the reference order (channel, kh, kw), one
/// saturating add at a time, so saturation happens exactly where the device's would.
/// <para>
/// Algorithm: im2col (int16) puts the activations each weight meets in one contiguous row (padding as zeros,
/// which no threshold passes and which count as zero skips); per output channel, each nonzero weight then
/// updates the whole output plane from its row in one long run, with 256-bit SIMD 8 positions at a time
/// (products, compare masks and overflow tests per lane). Rows are taken in (channel, kh, kw) order, so every
/// accumulator sees its products in the reference order.
/// </para>
/// </summary>
public static class FixedPointConvKernel
{
    /// <summary>
    /// Runs one sample. <paramref name="accumulators"/> is scratch of one output plane; <paramref name="columns"/>
    /// is scratch of <see cref="ConvGeometry.ColumnsLength"/> elements; <paramref name="inBounds"/> and
    /// <paramref name="inBoundsRows"/> are <see cref="Im2Col.InBoundsPerKernelPosition"/> and
    /// <see cref="Im2Col.InBoundsRowsPerKernelPosition"/> of the geometry;
    /// <paramref name="outputShift"/> = input bits + weight bits - output bits.
    /// </summary>
    public static void Run(in ConvGeometry g, ReadOnlySpan<short> input, ReadOnlySpan<short> weight, ReadOnlySpan<int> bias,
        ReadOnlySpan<int> weightThresholds, int outputShift, Span<short> output, Span<int> accumulators, Span<short> columns,
        ReadOnlySpan<int> inBounds, ReadOnlySpan<int> inBoundsRows, LayerStatistics? stats) =>
        RunCompensated(g, input, weight, bias, weightThresholds, [], outputShift, output, accumulators, columns, inBounds, inBoundsRows, stats);

    /// <summary>
    /// <see cref="Run"/> with skip compensation (<see cref="SkipCompensation"/>) when <paramref name="compensation"/> is not
    /// empty: a MAC the threshold skips adds (saturating) its weight's constant in the product's Q format instead of
    /// nothing, <paramref name="compensation"/>[i] for a positive activation and [weights + i] for a negative one.
    /// </summary>
    public static void RunCompensated(in ConvGeometry g, ReadOnlySpan<short> input, ReadOnlySpan<short> weight, ReadOnlySpan<int> bias,
        ReadOnlySpan<int> weightThresholds, ReadOnlySpan<int> compensation, int outputShift, Span<short> output, Span<int> accumulators,
        Span<short> columns, ReadOnlySpan<int> inBounds, ReadOnlySpan<int> inBoundsRows, LayerStatistics? stats)
    {
        bool compensated = !compensation.IsEmpty;
        if (compensated && compensation.Length != 2 * weight.Length)
        {
            throw new ArgumentException($"Skip compensation needs 2 values per weight ({2 * weight.Length}), not {compensation.Length}.", nameof(compensation));
        }
        int outPlane = g.OutH * g.OutW;
        int rows = g.ColumnRows;
        int kernelSize = g.KernelH * g.KernelW;
        long executed = 0, skippedThreshold = 0, tested = 0, loopTests = 0, loopRows = 0;
        Span<int> acc = accumulators[..outPlane];
        for (int group = 0; group < g.Groups; group++)
        {
            Im2Col.Fill(g, input, group, columns);
            for (int m = group * g.OutChannelsPerGroup; m < (group + 1) * g.OutChannelsPerGroup; m++)
            {
                acc.Fill(bias.IsEmpty ? 0 : bias[m]);
                for (int r = 0; r < rows; r++)
                {
                    int wi = m * rows + r;
                    int w = weight[wi];
                    if (w == 0)
                    {
                        continue;
                    }
                    tested += inBounds[r % kernelSize];
                    // Without compensation the C tests nothing for a weight whose threshold no int16 operand passes.
                    if (compensated || weightThresholds[wi] <= short.MaxValue)
                    {
                        loopTests += inBounds[r % kernelSize];
                        loopRows += inBoundsRows[r % kernelSize];
                    }
                    int positive = compensated ? compensation[wi] : 0, negative = compensated ? compensation[weight.Length + wi] : 0;
                    (int runExecuted, int runSkipped) = AccumulateRun(columns.Slice(r * outPlane, outPlane), w, weightThresholds[wi], positive, negative, acc);
                    executed += runExecuted;
                    skippedThreshold += runSkipped;
                }
                Span<short> o = output.Slice(m * outPlane, outPlane);
                for (int i = 0; i < outPlane; i++)
                {
                    o[i] = FixedPointMath.Requantize(acc[i], outputShift);
                }
            }
        }
        stats?.AddConvolution(g, weight.Length, tested, loopTests, loopRows, executed, skippedThreshold, compensated);
    }

    /// <summary>
    /// acc[i] = sat(acc[i] + x[i] * w) where |x[i]| &gt; t, else sat(acc[i] + <paramref name="positive"/>) where x[i] &gt; 0 and
    /// sat(acc[i] + <paramref name="negative"/>) where x[i] &lt; 0 (0 and 0 without compensation), in order; returns
    /// (executed, nonzero skipped by threshold).
    /// </summary>
    private static (int Executed, int Skipped) AccumulateRun(ReadOnlySpan<short> x, int w, int t, int positive, int negative, Span<int> acc)
    {
        int i = 0, executed = 0, skipped = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= 8)
        {
            Vector256<int> vw = Vector256.Create(w), vt = Vector256.Create(t), max = Vector256.Create(int.MaxValue);
            Vector256<int> vp = Vector256.Create(positive), vn = Vector256.Create(negative);
            Vector256<int> kept = Vector256<int>.Zero, zeros = Vector256<int>.Zero;
            ref short xs = ref MemoryMarshal.GetReference(x);
            ref int a = ref MemoryMarshal.GetReference(acc);
            for (; i + 8 <= x.Length; i += 8)
            {
                Vector256<int> xv = Vector256.WidenLower(Vector128.LoadUnsafe(ref xs, (nuint)i).ToVector256Unsafe());
                Vector256<int> keep = Vector256.GreaterThan(Vector256.Abs(xv), vt);
                // |x * w| <= 2^30: the product is exact in int32. A skipped lane adds its sign's constant (x = 0 adds 0).
                Vector256<int> constant = (Vector256.GreaterThan(xv, Vector256<int>.Zero) & vp) | (Vector256.LessThan(xv, Vector256<int>.Zero) & vn);
                Vector256<int> product = Vector256.ConditionalSelect(keep, xv * vw, constant);
                Vector256<int> before = Vector256.LoadUnsafe(ref a, (nuint)i);
                Vector256<int> sum = before + product;
                // Signed overflow iff both operands differ in sign from the wrapped sum; then saturate toward before's sign.
                Vector256<int> overflow = Vector256.ShiftRightArithmetic((before ^ sum) & (product ^ sum), 31);
                Vector256<int> saturated = Vector256.ShiftRightArithmetic(before, 31) ^ max;
                Vector256.ConditionalSelect(overflow, saturated, sum).StoreUnsafe(ref a, (nuint)i);
                kept -= keep;
                zeros -= Vector256.Equals(xv, Vector256<int>.Zero);
            }
            executed = Vector256.Sum(kept);
            skipped = i - executed - Vector256.Sum(zeros);
        }
        for (; i < x.Length; i++)
        {
            int v = x[i];
            if (Math.Abs(v) > t)
            {
                acc[i] = FixedPointMath.SaturatingAdd(acc[i], v * w);
                executed++;
            }
            else if (v != 0)
            {
                acc[i] = FixedPointMath.SaturatingAdd(acc[i], v > 0 ? positive : negative);
                skipped++;
            }
        }
        return (executed, skipped);
    }
}
