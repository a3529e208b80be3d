using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    /// <paramref name="group"/> of <paramref name="input"/> (one sample): float32 activations, or the
    /// int16 ones of the fixed-point path.
    /// </summary>
    public static void Fill<T>(in ConvGeometry g, ReadOnlySpan<T> input, int group, Span<T> columns)
        where T : unmanaged
    {
        // ConvGeometry computes its output sizes on each read: read them once.
        int outH = g.OutH, outW = g.OutW, inH = g.InH, inW = g.InW, strideH = g.StrideH, strideW = g.StrideW;
        int positions = outH * outW;
        int inPlane = inH * inW;
        int row = 0;
        for (int c = 0; c < g.InChannelsPerGroup; c++)
        {
            ReadOnlySpan<T> plane = input.Slice((group * g.InChannelsPerGroup + c) * inPlane, inPlane);
            for (int kh = 0; kh < g.KernelH; kh++)
            {
                for (int kw = 0; kw < g.KernelW; kw++, row++)
                {
                    Span<T> dst = columns.Slice(row * positions, positions);
                    (int owStart, int owEnd) = ConvKernel.ValidColumns(g, kw, outW);
                    int width = owEnd - owStart;
                    int rowOffset = owStart * strideW - g.PadLeft + kw * g.DilationW;
                    for (int oh = 0; oh < outH; oh++)
                    {
                        Span<T> line = dst.Slice(oh * outW, outW);
                        int ih = oh * strideH - g.PadTop + kh * g.DilationH;
                        if ((uint)ih >= (uint)inH || width == 0)
                        {
                            line.Clear();
                            continue;
                        }
                        if (width != outW)
                        {
                            line[..owStart].Clear();
                            line[owEnd..].Clear();
                        }
                        int src = ih * inW + rowOffset;
                        Span<T> inside = line.Slice(owStart, width);
                        if (strideW == 1)
                        {
                            // The common case: one short run per output row, too short for a memmove call to pay off.
                            Copy(plane.Slice(src, width), inside);
                            continue;
                        }
                        ReadOnlySpan<T> from = plane.Slice(src, (width - 1) * strideW + 1);
                        for (int i = 0; i < inside.Length; i++)
                        {
                            inside[i] = from[i * strideW];
                        }
                    }
                }
            }
        }
    }

    private static void Copy<T>(ReadOnlySpan<T> from, Span<T> to)
        where T : unmanaged
    {
        ref T src = ref MemoryMarshal.GetReference(from);
        ref T dst = ref MemoryMarshal.GetReference(to);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            for (; i + Vector256<T>.Count <= to.Length; i += Vector256<T>.Count)
            {
                Vector256.LoadUnsafe(ref src, (nuint)i).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        for (; i < to.Length; i++)
        {
            Unsafe.Add(ref dst, i) = Unsafe.Add(ref src, i);
        }
    }

    /// <summary>The MACs of one sample whose input operand exists: all but those a padded position would meet.</summary>
    public static long InBoundsMacs(in ConvGeometry g) => (long)g.OutChannels * g.InChannelsPerGroup * InBoundsPerKernelPosition(g).Sum();

    /// <summary>For each kernel position (kh, kw), how many output positions read a real input (not padding).</summary>
    public static int[] InBoundsPerKernelPosition(in ConvGeometry g)
    {
        int[] counts = InBoundsRowsPerKernelPosition(g);
        for (int k = 0; k < counts.Length; k++)
        {
            (int s, int e) = ConvKernel.ValidColumns(g, k % g.KernelW);
            counts[k] *= e - s;
        }
        return counts;
    }

    /// <summary>For each kernel position (kh, kw), how many output rows read a real input row under kernel row kh.</summary>
    public static int[] InBoundsRowsPerKernelPosition(in ConvGeometry g)
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
            counts.AsSpan(kh * g.KernelW, g.KernelW).Fill(rows);
        }
        return counts;
    }
}
