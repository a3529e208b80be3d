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
/// saturating add at a time, so saturation happens exactly where the device's would; with 256-bit SIMD a contiguous
/// run of 8 output positions is done at once (products, compare masks and overflow tests per lane).
/// </summary>
public static class FixedPointConvKernel
{
    /// <summary>
    /// Runs one sample. <paramref name="accumulators"/> is scratch of one output plane;
    /// <paramref name="outputShift"/> = input bits + weight bits - output bits.
    /// </summary>
    public static void Run(in ConvGeometry g, ReadOnlySpan<short> input, ReadOnlySpan<short> weight, ReadOnlySpan<int> bias,
        ReadOnlySpan<int> weightThresholds, int outputShift, Span<short> output, Span<int> accumulators, LayerStatistics? stats)
    {
        // ConvGeometry computes its output sizes on each read: read them once.
        int outH = g.OutH, outW = g.OutW;
        int outPlane = outH * outW;
        int inPlane = g.InH * g.InW;
        int kernelSize = g.KernelH * g.KernelW;
        long executed = 0, skippedThreshold = 0, tested = 0;
        Span<int> acc = accumulators[..outPlane];
        for (int m = 0; m < g.OutChannels; m++)
        {
            acc.Fill(bias.IsEmpty ? 0 : bias[m]);
            int group = m / g.OutChannelsPerGroup;
            for (int c = 0; c < g.InChannelsPerGroup; c++)
            {
                ReadOnlySpan<short> plane = input.Slice((group * g.InChannelsPerGroup + c) * inPlane, inPlane);
                int wBase = (m * g.InChannelsPerGroup + c) * kernelSize;
                for (int kh = 0; kh < g.KernelH; kh++)
                {
                    for (int kw = 0; kw < g.KernelW; kw++)
                    {
                        int wi = wBase + kh * g.KernelW + kw;
                        int w = weight[wi];
                        if (w == 0)
                        {
                            continue;
                        }
                        int t = weightThresholds[wi];
                        (int owStart, int owEnd) = ConvKernel.ValidColumns(g, kw, outW);
                        for (int oh = 0; oh < outH; oh++)
                        {
                            int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                            if ((uint)ih >= (uint)g.InH)
                            {
                                continue;
                            }
                            int src = ih * g.InW + owStart * g.StrideW - g.PadLeft + kw * g.DilationW;
                            int dst = oh * outW;
                            int width = owEnd - owStart;
                            if (width <= 0)
                            {
                                continue;
                            }
                            tested += width;
                            (int runExecuted, int runSkipped) = g.StrideW == 1
                                ? AccumulateRun(plane.Slice(src, width), w, t, acc.Slice(dst + owStart, width))
                                : AccumulateStrided(plane[src..], g.StrideW, w, t, acc.Slice(dst + owStart, width));
                            executed += runExecuted;
                            skippedThreshold += runSkipped;
                        }
                    }
                }
            }
            Span<short> o = output.Slice(m * outPlane, outPlane);
            for (int i = 0; i < outPlane; i++)
            {
                o[i] = FixedPointMath.Requantize(acc[i], outputShift);
            }
        }
        if (stats is not null)
        {
            long total = (long)g.OutChannels * outPlane * g.InChannelsPerGroup * kernelSize;
            stats.Total += total;
            stats.Executed += executed;
            stats.SkippedThreshold += skippedThreshold;
            stats.SkippedZero += total - executed - skippedThreshold;
            stats.Comparisons += weight.Length + tested;
            stats.WeightReads += weight.Length;
            stats.ActivationReads += tested;
        }
    }

    /// <summary>acc[i] = sat(acc[i] + x[i] * w) where |x[i]| &gt; t, in order; returns (executed, nonzero skipped by threshold).</summary>
    private static (int Executed, int Skipped) AccumulateRun(ReadOnlySpan<short> x, int w, int t, Span<int> acc)
    {
        int i = 0, executed = 0, skipped = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= 8)
        {
            Vector256<int> vw = Vector256.Create(w), vt = Vector256.Create(t), max = Vector256.Create(int.MaxValue);
            Vector256<int> kept = Vector256<int>.Zero, zeros = Vector256<int>.Zero;
            ref short xs = ref MemoryMarshal.GetReference(x);
            ref int a = ref MemoryMarshal.GetReference(acc);
            for (; i + 8 <= x.Length; i += 8)
            {
                Vector256<int> xv = Vector256.WidenLower(Vector128.LoadUnsafe(ref xs, (nuint)i).ToVector256Unsafe());
                Vector256<int> keep = Vector256.GreaterThan(Vector256.Abs(xv), vt);
                // |x * w| <= 2^30: the product is exact in int32.
                Vector256<int> product = (xv * vw) & keep;
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
        (int tailExecuted, int tailSkipped) = AccumulateStrided(x[i..], 1, w, t, acc[i..]);
        return (executed + tailExecuted, skipped + tailSkipped);
    }

    /// <summary>As <see cref="AccumulateRun"/> for inputs <paramref name="stride"/> apart.</summary>
    private static (int Executed, int Skipped) AccumulateStrided(ReadOnlySpan<short> x, int stride, int w, int t, Span<int> acc)
    {
        int executed = 0, skipped = 0;
        for (int i = 0; i < acc.Length; i++)
        {
            int v = x[i * stride];
            if (Math.Abs(v) > t)
            {
                acc[i] = FixedPointMath.SaturatingAdd(acc[i], v * w);
                executed++;
            }
            else if (v != 0)
            {
                skipped++;
            }
        }
        return (executed, skipped);
    }
}
