using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.ML.Kernels;

/// <summary>
/// UnIT convolution of one sample in int16 fixed point, as the MSP430 would compute it: int16
/// activations and weights, int32 saturating accumulators, bias in the product's Q format, the
/// per-weight integer thresholds precomputed by the division approximator, output requantized to int16.
/// Only integer operations.
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
                            tested += owEnd - owStart;
                            for (int ow = owStart; ow < owEnd; ow++, src += g.StrideW)
                            {
                                int x = plane[src];
                                if (Math.Abs(x) > t)
                                {
                                    acc[dst + ow] = FixedPointMath.SaturatingAdd(acc[dst + ow], x * w);
                                    executed++;
                                }
                                else if (x != 0)
                                {
                                    skippedThreshold++;
                                }
                            }
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
}
