using System.Diagnostics;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.ML.Kernels;

/// <summary>
/// UnIT convolution of one float32 sample. The weight is the control term: its threshold
/// <c>t(T, |w|)</c> is computed once (passed in as <c>weightThresholds</c>) and reused at every
/// output position; a MAC runs only when <c>|x| &gt; t</c>. MACs with a zero weight, a zero
/// activation or a padded input are skipped and counted as zero skips.
/// </summary>
public static class PrunedConvKernel
{
    /// <summary>
    /// Runs one sample. <paramref name="weightThresholds"/> has one entry per weight (ignored where the
    /// weight is 0). Counts are added to <paramref name="stats"/> when it is not null.
    /// </summary>
    public static void Run(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> weightThresholds, Span<float> output, LayerStatistics? stats)
    {
        Debug.Assert(weightThresholds.Length == weight.Length);
        int outPlane = g.OutH * g.OutW;
        int inPlane = g.InH * g.InW;
        int kernelSize = g.KernelH * g.KernelW;
        long executed = 0, skippedThreshold = 0, tested = 0;
        for (int m = 0; m < g.OutChannels; m++)
        {
            Span<float> o = output.Slice(m * outPlane, outPlane);
            o.Fill(bias.IsEmpty ? 0f : bias[m]);
            int group = m / g.OutChannelsPerGroup;
            for (int c = 0; c < g.InChannelsPerGroup; c++)
            {
                ReadOnlySpan<float> plane = input.Slice((group * g.InChannelsPerGroup + c) * inPlane, inPlane);
                int wBase = (m * g.InChannelsPerGroup + c) * kernelSize;
                for (int kh = 0; kh < g.KernelH; kh++)
                {
                    for (int kw = 0; kw < g.KernelW; kw++)
                    {
                        int wi = wBase + kh * g.KernelW + kw;
                        float w = weight[wi];
                        if (w == 0f)
                        {
                            continue;
                        }
                        float t = weightThresholds[wi];
                        (int owStart, int owEnd) = ConvKernel.ValidColumns(g, kw);
                        for (int oh = 0; oh < g.OutH; oh++)
                        {
                            int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                            if ((uint)ih >= (uint)g.InH)
                            {
                                continue;
                            }
                            int src = ih * g.InW + owStart * g.StrideW - g.PadLeft + kw * g.DilationW;
                            int dst = oh * g.OutW;
                            tested += owEnd - owStart;
                            for (int ow = owStart; ow < owEnd; ow++, src += g.StrideW)
                            {
                                float x = plane[src];
                                // A zero x fails |x| > t too (t >= 0); it is told apart only for the counts.
                                if (MathF.Abs(x) > t)
                                {
                                    o[dst + ow] += x * w;
                                    executed++;
                                }
                                else if (x != 0f)
                                {
                                    skippedThreshold++;
                                }
                            }
                        }
                    }
                }
            }
        }
        if (stats is not null)
        {
            long total = (long)g.OutChannels * outPlane * g.InChannelsPerGroup * kernelSize;
            stats.Total += total;
            stats.Executed += executed;
            stats.SkippedThreshold += skippedThreshold;
            stats.SkippedZero += total - executed - skippedThreshold;
            // One zero test per weight, one threshold test per in-bounds activation of a nonzero weight.
            stats.Comparisons += weight.Length + tested;
            stats.WeightReads += weight.Length;
            stats.ActivationReads += tested;
        }
    }
}
