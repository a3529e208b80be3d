using UnIT.ML.Graph;

namespace UnIT.ML.Kernels;

/// <summary>
/// Which convolutions the exported C (both profiles) runs by sorted lists, and the padded accumulator plane it keeps: per
/// sample and input channel, the nonzero activations are listed and sorted by |x|, and each weight runs the prefix its
/// threshold keeps (docs/deployment.md). Shared by the exporter, which lays the lists out, and the engine's counts, which
/// the cost model prices (<see cref="UnIT.ML.Pruning.LayerStatistics.ListEntries"/>).
/// </summary>
public static class SortedListConvolution
{
    /// <summary>
    /// The accumulator plane of <paramref name="g"/>: its output plane padded by the kernel's reach on every side, so that
    /// every (input position, kernel offset) pair has a place; halos above and left of the outputs.
    /// </summary>
    public static (int Width, int Height, int HaloTop, int HaloLeft) AccumulatorPlane(in ConvGeometry g)
    {
        // An input row ih meets kernel row kh at output row ih + PadTop - kh * DilationH: from PadTop - (KernelH - 1) * DilationH
        // (the first input row and the last kernel row) to InH - 1 + PadTop.
        int haloTop = Math.Max(0, (g.KernelH - 1) * g.DilationH - g.PadTop), haloBottom = Math.Max(0, g.InH + g.PadTop - g.OutH);
        int haloLeft = Math.Max(0, (g.KernelW - 1) * g.DilationW - g.PadLeft), haloRight = Math.Max(0, g.InW + g.PadLeft - g.OutW);
        return (g.OutW + haloLeft + haloRight, g.OutH + haloTop + haloBottom, haloTop, haloLeft);
    }

    /// <summary>
    /// True when the C runs <paramref name="g"/> by sorted lists: stride 1 (with a larger stride an input position meets a
    /// weight at no output for some offsets), and every list index and accumulator place within 16 bits.
    /// </summary>
    public static bool Applies(in ConvGeometry g)
    {
        if (g.StrideH != 1 || g.StrideW != 1)
        {
            return false;
        }
        (int width, int height, _, _) = AccumulatorPlane(g);
        return (long)width * height <= short.MaxValue && ListElements(g) <= short.MaxValue;
    }

    /// <summary>Elements of the lists of one group: two (value or index, place) per input activation.</summary>
    public static long ListElements(in ConvGeometry g) => 2L * g.InChannelsPerGroup * g.InH * g.InW;
}
