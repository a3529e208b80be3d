using System.Diagnostics;
using System.Numerics.Tensors;
using UnIT.ML.Graph;

namespace UnIT.ML.Kernels;

/// <summary>
/// Dense float32 convolution of one sample (1-D runs as 2-D with height 1). The fast path runs the register-blocked
/// <see cref="TileKernel"/>, summing each output in the same weight order as the pruned kernel: straight over the
/// (zero-padded) input planes when the stride in width is 1 (a direct convolution: each weight position meets a
/// contiguous run of every input row), else over an im2col matrix. The reference path is the textbook
/// output-stationary loop.
/// </summary>
public static class ConvKernel
{
    private const int StackLimit = 1024;

    /// <summary>
    /// Elements of float scratch the fast paths (<see cref="Dense"/> and the pruned kernel) need for
    /// <paramref name="g"/>: a zero-padded copy of the input for a direct convolution with padding, none without
    /// padding, an im2col matrix (<see cref="ConvGeometry.ColumnsLength"/>) otherwise.
    /// </summary>
    public static int ScratchLength(in ConvGeometry g)
    {
        if (!UsesDirect(g))
        {
            return g.ColumnsLength;
        }
        return HasPadding(g) ? checked(g.InChannels * (g.InH + g.PadTop + g.PadBottom) * (g.InW + g.PadLeft + g.PadRight)) : 0;
    }

    /// <summary>
    /// Fast path. <paramref name="output"/> is fully overwritten; <paramref name="scratch"/> has at least
    /// <see cref="ScratchLength"/> elements. With 256-bit SIMD it runs the register-blocked <see cref="TileKernel"/>;
    /// elsewhere it adds each weight times its im2col row.
    /// </summary>
    public static void Dense(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, Span<float> scratch)
    {
        Debug.Assert(input.Length == g.InputSampleSize && output.Length == g.OutputSampleSize);
        if (TileKernel.IsSupported)
        {
            RunTiles<TileKernel.Dense>(g, input, weight, default, bias, output, scratch, UsesDirect(g));
            return;
        }
        int positions = g.OutH * g.OutW;
        int rows = g.ColumnRows;
        int perGroup = g.OutChannelsPerGroup;
        for (int group = 0; group < g.Groups; group++)
        {
            Im2Col.Fill(g, input, group, scratch);
            for (int m = group * perGroup; m < (group + 1) * perGroup; m++)
            {
                Span<float> o = output.Slice(m * positions, positions);
                o.Fill(bias.IsEmpty ? 0f : bias[m]);
                for (int r = 0; r < rows; r++)
                {
                    float w = weight[m * rows + r];
                    if (w != 0f)
                    {
                        TensorPrimitives.FusedMultiplyAdd(scratch.Slice(r * positions, positions), w, o, o);
                    }
                }
            }
        }
    }

    /// <summary>Whether the fast paths convolve directly (256-bit SIMD and stride 1 in width) rather than through im2col.</summary>
    internal static bool UsesDirect(in ConvGeometry g) => TileKernel.IsSupported && g.StrideW == 1;

    /// <summary>
    /// Runs <see cref="TileKernel"/> over every group of one sample, directly over the input planes when
    /// <paramref name="direct"/> (stride 1 in width only) or over each group's im2col matrix; returns the MACs
    /// executed when <typeparamref name="TMode"/> counts. Both layouts give bit-identical results.
    /// </summary>
    internal static long RunTiles<TMode>(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> thresholds,
        ReadOnlySpan<float> bias, Span<float> output, Span<float> scratch, bool direct, in TileKernel.Compensation compensation = default)
        where TMode : struct, TileKernel.IMode
    {
        Debug.Assert(!direct || g.StrideW == 1);
        int outH = g.OutH, outW = g.OutW;
        int positions = outH * outW;
        int rows = g.ColumnRows;
        int perGroup = g.OutChannelsPerGroup;
        int hp = g.InH + g.PadTop + g.PadBottom, wp = g.InW + g.PadLeft + g.PadRight;
        int groupSize = g.InChannelsPerGroup * (direct ? hp * wp : 0);
        Span<int> offsets = rows <= StackLimit ? stackalloc int[rows] : new int[rows];
        for (int r = 0; r < rows; r++)
        {
            // Direct: channel c, kernel position (kh, kw) of the group starts at (c, kh * dilation, kw * dilation) of the padded planes.
            int c = r / (g.KernelH * g.KernelW), kh = r / g.KernelW % g.KernelH, kw = r % g.KernelW;
            offsets[r] = direct ? (c * hp + kh * g.DilationH) * wp + kw * g.DilationW : r * positions;
        }
        ReadOnlySpan<float> planes = direct && HasPadding(g) ? Pad(g, input, scratch, hp, wp) : input;
        long executed = 0;
        for (int group = 0; group < g.Groups; group++)
        {
            if (!direct)
            {
                Im2Col.Fill(g, input, group, scratch);
            }
            var b = direct
                ? new TileKernel.Operand(planes.Slice(group * groupSize, groupSize), offsets, outH, outW, g.StrideH * wp)
                : new TileKernel.Operand(scratch[..(rows * positions)], offsets, 1, positions, 0);
            int first = group * perGroup;
            Range own = (first * rows)..((first + perGroup) * rows);
            executed += TileKernel.Run<TMode>(perGroup, rows, weight[own], TMode.Masks ? thresholds[own] : default, b, bias, first,
                output.Slice(first * positions, perGroup * positions),
                TMode.Compensates ? new TileKernel.Compensation(compensation.Positive[own], compensation.Negative[own]) : default);
        }
        return executed;
    }

    private static bool HasPadding(in ConvGeometry g) => g.PadTop != 0 || g.PadLeft != 0 || g.PadBottom != 0 || g.PadRight != 0;

    /// <summary>Copies every input plane into the middle of a zeroed <paramref name="hp"/> x <paramref name="wp"/> plane of <paramref name="scratch"/>.</summary>
    private static ReadOnlySpan<float> Pad(in ConvGeometry g, ReadOnlySpan<float> input, Span<float> scratch, int hp, int wp)
    {
        Span<float> padded = scratch[..(g.InChannels * hp * wp)];
        padded.Clear();
        for (int c = 0; c < g.InChannels; c++)
        {
            for (int ih = 0; ih < g.InH; ih++)
            {
                input.Slice((c * g.InH + ih) * g.InW, g.InW).CopyTo(padded.Slice((c * hp + g.PadTop + ih) * wp + g.PadLeft, g.InW));
            }
        }
        return padded;
    }

    /// <summary>Reference path: one output element at a time, every MAC spelled out.</summary>
    public static void Reference(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output)
    {
        for (int m = 0; m < g.OutChannels; m++)
        {
            int group = m / g.OutChannelsPerGroup;
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    float acc = bias.IsEmpty ? 0f : bias[m];
                    for (int c = 0; c < g.InChannelsPerGroup; c++)
                    {
                        int ic = group * g.InChannelsPerGroup + c;
                        for (int kh = 0; kh < g.KernelH; kh++)
                        {
                            for (int kw = 0; kw < g.KernelW; kw++)
                            {
                                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                                int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                                float x = ih >= 0 && ih < g.InH && iw >= 0 && iw < g.InW ? input[(ic * g.InH + ih) * g.InW + iw] : 0f;
                                acc += x * weight[((m * g.InChannelsPerGroup + c) * g.KernelH + kh) * g.KernelW + kw];
                            }
                        }
                    }
                    output[(m * g.OutH + oh) * g.OutW + ow] = acc;
                }
            }
        }
    }

    /// <summary>The output columns [start, end) whose input column for kernel column <paramref name="kw"/> lies inside the input (not in padding).</summary>
    internal static (int Start, int End) ValidColumns(in ConvGeometry g, int kw) => ValidColumns(g, kw, g.OutW);

    /// <summary>As <see cref="ValidColumns(in ConvGeometry, int)"/> with the output width already at hand (the geometry computes it on each read).</summary>
    internal static (int Start, int End) ValidColumns(in ConvGeometry g, int kw, int outW)
    {
        int offset = kw * g.DilationW - g.PadLeft;
        // iw = ow * stride + offset must satisfy 0 <= iw < InW.
        int start = offset >= 0 ? 0 : (-offset + g.StrideW - 1) / g.StrideW;
        int last = g.InW - 1 - offset;
        int end = last < 0 ? 0 : Math.Min(outW, last / g.StrideW + 1);
        return (start, Math.Max(start, end));
    }
}
