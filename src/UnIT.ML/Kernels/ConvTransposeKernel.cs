using UnIT.ML.Graph;

namespace UnIT.ML.Kernels;

/// <summary>Transposed convolution of one sample [C_in, (H), W] (1-D runs with H = 1).</summary>
internal static class ConvTransposeKernel
{
    /// <summary>Scatters every input cell times the kernel into the output, accumulating in double, then rounds once.</summary>
    public static void Run(ConvTransposeNode node, Shape inShape, Shape outShape, ReadOnlySpan<float> input, Span<float> output, Func<double, float>? roundExact)
    {
        bool twoD = node.Strides.Length == 2;
        int a = twoD ? 1 : 0;
        int inC = inShape[1], inH = twoD ? inShape[2] : 1, inW = inShape[^1];
        int outC = outShape[1], outH = twoD ? outShape[2] : 1, outW = outShape[^1];
        int[] k = node.Weight.Shape.Dimensions;
        int kH = twoD ? k[2] : 1, kW = k[^1];
        int sH = twoD ? node.Strides[0] : 1, sW = node.Strides[a];
        int pT = twoD ? node.PadsBegin[0] : 0, pL = node.PadsBegin[a];
        int dH = twoD ? node.Dilations[0] : 1, dW = node.Dilations[a];
        int perGroupIn = inC / node.Groups, perGroupOut = k[1];
        float[] w = node.Weight.Data;
        var acc = new double[output.Length];
        for (int co = 0; co < outC; co++)
        {
            acc.AsSpan(co * outH * outW, outH * outW).Fill(node.Bias?[co] ?? 0.0);
        }
        for (int ci = 0; ci < inC; ci++)
        {
            int g = ci / perGroupIn;
            for (int ih = 0; ih < inH; ih++)
            {
                for (int iw = 0; iw < inW; iw++)
                {
                    double x = input[(ci * inH + ih) * inW + iw];
                    for (int c = 0; c < perGroupOut; c++)
                    {
                        int co = g * perGroupOut + c;
                        int wBase = (ci * perGroupOut + c) * kH * kW;
                        for (int kh = 0; kh < kH; kh++)
                        {
                            int oh = ih * sH - pT + kh * dH;
                            if (oh < 0 || oh >= outH)
                            {
                                continue;
                            }
                            for (int kw = 0; kw < kW; kw++)
                            {
                                int ow = iw * sW - pL + kw * dW;
                                if (ow >= 0 && ow < outW)
                                {
                                    acc[(co * outH + oh) * outW + ow] += x * w[wBase + kh * kW + kw];
                                }
                            }
                        }
                    }
                }
            }
        }
        Func<double, float> round = roundExact ?? (v => (float)v);
        for (int i = 0; i < output.Length; i++)
        {
            output[i] = round(acc[i]);
        }
    }
}
