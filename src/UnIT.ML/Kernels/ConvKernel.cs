using System.Diagnostics;
using System.Numerics.Tensors;
using UnIT.ML.Graph;

namespace UnIT.ML.Kernels;

/// <summary>
/// Dense float32 convolution of one sample (1-D runs as 2-D with height 1). The fast path is im2col
/// followed by a register-blocked matrix product (<see cref="TileKernel"/>), summing each output in the
/// same weight order as the pruned kernel; the reference path is the textbook output-stationary loop.
/// </summary>
public static class ConvKernel
{
    /// <summary>
    /// Fast path. <paramref name="output"/> is fully overwritten; <paramref name="columns"/> is scratch of
    /// <see cref="ConvGeometry.ColumnsLength"/> elements. With 256-bit SIMD it runs the register-blocked
    /// <see cref="TileKernel"/> over the im2col matrix; elsewhere it adds each weight times its im2col row.
    /// </summary>
    public static void Dense(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, Span<float> columns)
    {
        Debug.Assert(input.Length == g.InputSampleSize && output.Length == g.OutputSampleSize);
        int positions = g.OutH * g.OutW;
        int rows = g.ColumnRows;
        int perGroup = g.OutChannelsPerGroup;
        for (int group = 0; group < g.Groups; group++)
        {
            Im2Col.Fill(g, input, group, columns);
            int first = group * perGroup;
            if (TileKernel.IsSupported)
            {
                TileKernel.Run<TileKernel.Dense>(perGroup, positions, rows, weight.Slice(first * rows, perGroup * rows), default,
                    columns, bias, first, output.Slice(first * positions, perGroup * positions));
                continue;
            }
            for (int m = first; m < first + perGroup; m++)
            {
                Span<float> o = output.Slice(m * positions, positions);
                o.Fill(bias.IsEmpty ? 0f : bias[m]);
                for (int r = 0; r < rows; r++)
                {
                    float w = weight[m * rows + r];
                    if (w != 0f)
                    {
                        TensorPrimitives.FusedMultiplyAdd(columns.Slice(r * positions, positions), w, o, o);
                    }
                }
            }
        }
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
