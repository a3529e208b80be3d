using UnIT.ML.Graph;

namespace UnIT.ML.Kernels;

/// <summary>
/// Lays out one group of one sample as a matrix with a row per weight position (channel, kh, kw) and
/// a column per output position, so that every weight meets one contiguous row of activations
/// (padding becomes explicit zeros). The fast conv kernels run over these rows with SIMD.
/// </summary>
public static class Im2Col
{
    /// <summary>
    /// Fills <paramref name="columns"/> (<see cref="ConvGeometry.ColumnsLength"/> elements) for group
    /// <paramref name="group"/> of <paramref name="input"/> (one sample).
    /// </summary>
    public static void Fill(in ConvGeometry g, ReadOnlySpan<float> input, int group, Span<float> columns)
    {
        int positions = g.OutH * g.OutW;
        int inPlane = g.InH * g.InW;
        int row = 0;
        for (int c = 0; c < g.InChannelsPerGroup; c++)
        {
            ReadOnlySpan<float> plane = input.Slice((group * g.InChannelsPerGroup + c) * inPlane, inPlane);
            for (int kh = 0; kh < g.KernelH; kh++)
            {
                for (int kw = 0; kw < g.KernelW; kw++, row++)
                {
                    Span<float> dst = columns.Slice(row * positions, positions);
                    dst.Clear();
                    (int owStart, int owEnd) = ConvKernel.ValidColumns(g, kw);
                    for (int oh = 0; oh < g.OutH; oh++)
                    {
                        int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                        if ((uint)ih >= (uint)g.InH)
                        {
                            continue;
                        }
                        int src = ih * g.InW + owStart * g.StrideW - g.PadLeft + kw * g.DilationW;
                        for (int ow = owStart; ow < owEnd; ow++, src += g.StrideW)
                        {
                            dst[oh * g.OutW + ow] = plane[src];
                        }
                    }
                }
            }
        }
    }

    /// <summary>For each kernel position (kh, kw), how many output positions read a real input (not padding).</summary>
    public static int[] InBoundsPerKernelPosition(in ConvGeometry g)
    {
        var counts = new int[g.KernelH * g.KernelW];
        for (int kh = 0; kh < g.KernelH; kh++)
        {
            int rows = 0;
            for (int oh = 0; oh < g.OutH; oh++)
            {
                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                rows += (uint)ih < (uint)g.InH ? 1 : 0;
            }
            for (int kw = 0; kw < g.KernelW; kw++)
            {
                (int s, int e) = ConvKernel.ValidColumns(g, kw);
                counts[kh * g.KernelW + kw] = rows * (e - s);
            }
        }
        return counts;
    }
}
