using UnIT.ML.Graph;
using UnIT.ML.Kernels;

namespace UnIT.Export;

/// <summary>
/// Where the sorted-list convolution (<c>unit_conv_sorted_q</c>) keeps its accumulators: one output plane padded by
/// the kernel's reach on every side, so that every (input position, kernel offset) pair has a place, real output or
/// not. Stride 1 only (with a larger stride an input position meets a weight at no output for some offsets, and the
/// place would not be an output's place).
/// </summary>
internal sealed record SortedLayout(int AccW, int AccH, int HaloTop, int HaloLeft, int OutFirst, int InFirst, int ListElements)
{
    /// <summary>The layout of <paramref name="g"/>, or null where the present loop must run (stride above 1, or indices beyond 16 bits).</summary>
    public static SortedLayout? Of(in ConvGeometry g)
    {
        if (!SortedListConvolution.Applies(g))
        {
            return null;
        }
        (int accW, int accH, int haloTop, int haloLeft) = SortedListConvolution.AccumulatorPlane(g);
        return new SortedLayout(accW, accH, haloTop, haloLeft, haloTop * accW + haloLeft,
            (g.PadTop + haloTop) * accW + g.PadLeft + haloLeft, (int)SortedListConvolution.ListElements(g));
    }

    /// <summary>One byte per place: 1 where it is an output (row HaloTop.., column HaloLeft..), 0 in the padding.</summary>
    public int[] Map(in ConvGeometry g)
    {
        var map = new int[AccW * AccH];
        for (int r = 0; r < g.OutH; r++)
        {
            Array.Fill(map, 1, (HaloTop + r) * AccW + HaloLeft, g.OutW);
        }
        return map;
    }
}
