using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;

namespace UnIT.ML.Tests.Kernels;

/// <summary>
/// The oracle: method.md's skip rule applied MAC by MAC in the plainest loop order, with the
/// approximator called afresh for every MAC (no reuse), counting each MAC's fate.
/// </summary>
internal static class SkipRuleReference
{
    public sealed record Result(double[] Output, long Executed, long SkippedZero, long SkippedThreshold);

    public static Result Conv(ConvGeometry g, float[] x, float[] w, float[]? bias, float[] thresholds, IDivisionApproximator d)
    {
        var y = new double[g.OutputSampleSize];
        long exec = 0, zero = 0, thr = 0;
        var ops = default(DivisionOps);
        for (int m = 0; m < g.OutChannels; m++)
        {
            int group = m / g.OutChannelsPerGroup;
            float t = thresholds.Length == 1 ? thresholds[0] : thresholds[m];
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    double acc = bias?[m] ?? 0;
                    for (int c = 0; c < g.InChannelsPerGroup; c++)
                    {
                        for (int kh = 0; kh < g.KernelH; kh++)
                        {
                            for (int kw = 0; kw < g.KernelW; kw++)
                            {
                                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                                int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                                bool inside = ih >= 0 && ih < g.InH && iw >= 0 && iw < g.InW;
                                float xv = inside ? x[((group * g.InChannelsPerGroup + c) * g.InH + ih) * g.InW + iw] : 0f;
                                float wv = w[((m * g.InChannelsPerGroup + c) * g.KernelH + kh) * g.KernelW + kw];
                                if (xv == 0f || wv == 0f)
                                {
                                    zero++;
                                }
                                else if (MathF.Abs(xv) > d.Threshold(t, MathF.Abs(wv), ref ops))
                                {
                                    acc += (double)xv * wv;
                                    exec++;
                                }
                                else
                                {
                                    thr++;
                                }
                            }
                        }
                    }
                    y[(m * g.OutH + oh) * g.OutW + ow] = acc;
                }
            }
        }
        return new Result(y, exec, zero, thr);
    }

    public static Result FullyConnected(float[] x, float[] w, float[]? bias, int n, float[] thresholds, IDivisionApproximator d)
    {
        int k = x.Length;
        var y = new double[n];
        long exec = 0, zero = 0, thr = 0;
        var ops = default(DivisionOps);
        for (int j = 0; j < n; j++)
        {
            double acc = bias?[j] ?? 0;
            float t = thresholds.Length == 1 ? thresholds[0] : thresholds[j];
            for (int i = 0; i < k; i++)
            {
                float xv = x[i], wv = w[j * k + i];
                if (xv == 0f || wv == 0f)
                {
                    zero++;
                }
                else if (MathF.Abs(wv) > d.Threshold(t, MathF.Abs(xv), ref ops))
                {
                    acc += (double)xv * wv;
                    exec++;
                }
                else
                {
                    thr++;
                }
            }
            y[j] = acc;
        }
        return new Result(y, exec, zero, thr);
    }

    /// <summary>Integer conv with the integer reading of the approximator; exact as long as no accumulator saturates.</summary>
    public static (long[] Acc, long Executed, long SkippedThreshold) FixedConv(ConvGeometry g, short[] x, short[] w, int[] bias, int[] tq, IDivisionApproximator d)
    {
        var y = new long[g.OutputSampleSize];
        long exec = 0, thr = 0;
        var ops = default(DivisionOps);
        for (int m = 0; m < g.OutChannels; m++)
        {
            int group = m / g.OutChannelsPerGroup;
            int t = tq.Length == 1 ? tq[0] : tq[m];
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    long acc = bias.Length == 0 ? 0 : bias[m];
                    for (int c = 0; c < g.InChannelsPerGroup; c++)
                    {
                        for (int kh = 0; kh < g.KernelH; kh++)
                        {
                            for (int kw = 0; kw < g.KernelW; kw++)
                            {
                                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                                int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                                bool inside = ih >= 0 && ih < g.InH && iw >= 0 && iw < g.InW;
                                int xv = inside ? x[((group * g.InChannelsPerGroup + c) * g.InH + ih) * g.InW + iw] : 0;
                                int wv = w[((m * g.InChannelsPerGroup + c) * g.KernelH + kh) * g.KernelW + kw];
                                if (xv == 0 || wv == 0)
                                {
                                    continue;
                                }
                                if (Math.Abs(xv) > d.Threshold(t, Math.Abs(wv), ref ops))
                                {
                                    acc += xv * wv;
                                    exec++;
                                }
                                else
                                {
                                    thr++;
                                }
                            }
                        }
                    }
                    y[(m * g.OutH + oh) * g.OutW + ow] = acc;
                }
            }
        }
        return (y, exec, thr);
    }
}
