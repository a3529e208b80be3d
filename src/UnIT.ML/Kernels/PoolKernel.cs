using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using UnIT.ML.Graph;

namespace UnIT.ML.Kernels;

/// <summary>MaxPool and AveragePool over one sample [C, H, W] (1-D pools run with H = 1).</summary>
public static class PoolKernel
{
    /// <summary>Pools one sample; <paramref name="inShape"/> and <paramref name="outShape"/> are the batch shapes.</summary>
    public static void Run(PoolNode node, Shape inShape, Shape outShape, ReadOnlySpan<float> input, Span<float> output)
    {
        bool twoD = node.Kernel.Length == 2;
        int channels = inShape[1];
        int inH = twoD ? inShape[2] : 1, inW = inShape[^1];
        int outH = twoD ? outShape[2] : 1, outW = outShape[^1];
        int a = twoD ? 1 : 0;
        int kH = twoD ? node.Kernel[0] : 1, kW = node.Kernel[a];
        int sH = twoD ? node.Strides[0] : 1, sW = node.Strides[a];
        int pT = twoD ? node.PadsBegin[0] : 0, pL = node.PadsBegin[a];
        int pB = twoD ? node.PadsEnd[0] : 0, pR = node.PadsEnd[a];
        int dH = twoD ? node.Dilations[0] : 1, dW = node.Dilations[a];
        bool max = node.Kind == PoolKind.Max;
        if (max && pT == 0 && pL == 0 && dH == 1 && dW == 1 && (outH - 1) * sH + kH <= inH && (outW - 1) * sW + kW <= inW)
        {
            // The bounds above keep every window inside one sample, so the unchecked reads stay inside input.
            ArgumentOutOfRangeException.ThrowIfLessThan(input.Length, channels * inH * inW);
            MaxInside(input, output, channels, inH, inW, outH, outW, kH, kW, sH, sW);
            return;
        }
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> plane = input.Slice(c * inH * inW, inH * inW);
            for (int oh = 0; oh < outH; oh++)
            {
                for (int ow = 0; ow < outW; ow++)
                {
                    // As ONNX Runtime's max pool (SIMD max that returns the new value when either is NaN): start at the
                    // lowest finite float; a NaN replaces the running max and is itself replaced by the next value.
                    float acc = max ? float.MinValue : 0f;
                    int inside = 0, padded = 0;
                    for (int kh = 0; kh < kH; kh++)
                    {
                        int ih = oh * sH - pT + kh * dH;
                        for (int kw = 0; kw < kW; kw++)
                        {
                            int iw = ow * sW - pL + kw * dW;
                            if (ih < 0 || ih >= inH || iw < 0 || iw >= inW)
                            {
                                // Cells in the explicit padding count for count_include_pad; cells past it (ceil_mode) never do.
                                if (ih >= -pT && ih < inH + pB && iw >= -pL && iw < inW + pR)
                                {
                                    padded++;
                                }
                                continue;
                            }
                            float v = plane[ih * inW + iw];
                            if (max)
                            {
                                acc = Max(acc, v);
                            }
                            else
                            {
                                acc += v;
                            }
                            inside++;
                        }
                    }
                    output[(c * outH + oh) * outW + ow] = max ? acc : acc / (node.CountIncludePad ? inside + padded : inside);
                }
            }
        }
    }

    /// <summary>
    /// Max pool whose windows all lie inside the input (no padding, no dilation, no ceil-mode overhang), the
    /// usual case: no bounds tests. Same NaN behaviour as the general loop.
    /// </summary>
    private static void MaxInside(ReadOnlySpan<float> input, Span<float> output, int channels, int inH, int inW, int outH, int outW, int kH, int kW, int sH, int sW)
    {
        ref float x = ref MemoryMarshal.GetReference(input);
        for (int c = 0; c < channels; c++)
        {
            Span<float> o = output.Slice(c * outH * outW, outH * outW);
            for (int oh = 0; oh < outH; oh++)
            {
                int top = (c * inH + oh * sH) * inW;
                int ow = 0;
                if (Avx2.IsSupported && kH == 2 && kW == 2 && sH == 2 && sW == 2)
                {
                    ow = Max2x2(ref Unsafe.Add(ref x, top), inW, o.Slice(oh * outW, outW));
                }
                for (; ow < outW; ow++)
                {
                    float acc = float.MinValue;
                    ref float corner = ref Unsafe.Add(ref x, top + ow * sW);
                    for (int kh = 0; kh < kH; kh++)
                    {
                        ref float line = ref Unsafe.Add(ref corner, kh * inW);
                        for (int kw = 0; kw < kW; kw++)
                        {
                            acc = Max(acc, Unsafe.Add(ref line, kw));
                        }
                    }
                    o[oh * outW + ow] = acc;
                }
            }
        }
    }

    /// <summary>
    /// The 2x2, stride-2 max pool of one output row, 8 outputs at a time; returns how many outputs it wrote (the rest
    /// run one at a time). Each output takes the same <see cref="Max"/> steps in the same (kh, kw) order as the scalar
    /// loop: VMAXPS computes <c>a &gt; b ? a : b</c> per lane. The even and odd input columns are split with in-lane
    /// shuffles, which leave the outputs in the 64-bit order 0, 2, 1, 3; one permute restores it.
    /// </summary>
    private static int Max2x2(ref float top, int inW, Span<float> output)
    {
        Vector256<float> lowest = Vector256.Create(float.MinValue);
        ref float below = ref Unsafe.Add(ref top, inW);
        int ow = 0;
        for (; ow + 8 <= output.Length; ow += 8)
        {
            Vector256<float> t0 = Vector256.LoadUnsafe(ref top, (nuint)(2 * ow)), t1 = Vector256.LoadUnsafe(ref top, (nuint)(2 * ow + 8));
            Vector256<float> b0 = Vector256.LoadUnsafe(ref below, (nuint)(2 * ow)), b1 = Vector256.LoadUnsafe(ref below, (nuint)(2 * ow + 8));
            Vector256<float> acc = Avx.Max(lowest, Avx.Shuffle(t0, t1, 0b10_00_10_00));
            acc = Avx.Max(acc, Avx.Shuffle(t0, t1, 0b11_01_11_01));
            acc = Avx.Max(acc, Avx.Shuffle(b0, b1, 0b10_00_10_00));
            acc = Avx.Max(acc, Avx.Shuffle(b0, b1, 0b11_01_11_01));
            Avx2.Permute4x64(acc.AsDouble(), 0b11_01_10_00).AsSingle().CopyTo(output.Slice(ow, 8));
        }
        return ow;
    }

    /// <summary>
    /// <c>acc &gt; v ? acc : v</c> (so a NaN v replaces acc, and of two equal zeros v wins) without a branch: pooled
    /// activations compare at random, and mispredicted branches cost several times the compares themselves.
    /// x86 MAXSS computes exactly this expression.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Max(float acc, float v) =>
        Sse.IsSupported ? Sse.MaxScalar(Vector128.CreateScalarUnsafe(acc), Vector128.CreateScalarUnsafe(v)).ToScalar() : acc > v ? acc : v;

    /// <summary>GlobalAveragePool of one sample: the mean of each channel's plane.</summary>
    public static void GlobalAverage(int channels, ReadOnlySpan<float> input, Span<float> output)
    {
        int plane = input.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            float sum = 0f;
            foreach (float v in input.Slice(c * plane, plane))
            {
                sum += v;
            }
            output[c] = sum / plane;
        }
    }
}
