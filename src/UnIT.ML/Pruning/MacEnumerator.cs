using UnIT.ML.Graph;
using UnIT.ML.Kernels;

namespace UnIT.ML.Pruning;

/// <summary>
/// Visits every MAC of a prunable layer whose operands are both nonzero, for a batch input, with
/// the given weights in place of the layer's own (quantized ones for fixed point).
/// </summary>
internal static class MacEnumerator
{
    public static void Visit<TVisitor, TProduct>(PrunableNode layer, float[] weights, float[] input, Shape shape, ref TVisitor visitor)
        where TVisitor : struct, IMacVisitor
        where TProduct : struct, IMacProduct
    {
        float[] w = weights;
        if (layer is ConvNode conv)
        {
            ConvGeometry g = conv.Geometry(shape);
            int inPlane = g.InH * g.InW, kernelSize = g.KernelH * g.KernelW;
            for (int s = 0; s < shape[0]; s++)
            {
                int sampleBase = s * g.InputSampleSize;
                for (int m = 0; m < g.OutChannels; m++)
                {
                    int group = m / g.OutChannelsPerGroup;
                    for (int c = 0; c < g.InChannelsPerGroup; c++)
                    {
                        int planeBase = sampleBase + (group * g.InChannelsPerGroup + c) * inPlane;
                        for (int kh = 0; kh < g.KernelH; kh++)
                        {
                            for (int kw = 0; kw < g.KernelW; kw++)
                            {
                                int wi = (m * g.InChannelsPerGroup + c) * kernelSize + kh * g.KernelW + kw;
                                float wv = w[wi];
                                if (wv == 0f)
                                {
                                    continue;
                                }
                                (int owStart, int owEnd) = ConvKernel.ValidColumns(g, kw);
                                for (int oh = 0; oh < g.OutH; oh++)
                                {
                                    int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                                    if ((uint)ih >= (uint)g.InH)
                                    {
                                        continue;
                                    }
                                    int src = planeBase + ih * g.InW + owStart * g.StrideW - g.PadLeft + kw * g.DilationW;
                                    for (int ow = owStart; ow < owEnd; ow++, src += g.StrideW)
                                    {
                                        float x = input[src];
                                        if (x != 0f)
                                        {
                                            visitor.Visit(m, wi, x, default(TProduct).Key(x, wv));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return;
        }
        var fc = (FullyConnectedNode)layer;
        int k = fc.InputFeatures, n = fc.OutputChannels;
        for (int r = 0; r < input.Length / k; r++)
        {
            for (int i = 0; i < k; i++)
            {
                float x = input[r * k + i];
                if (x == 0f)
                {
                    continue;
                }
                for (int j = 0; j < n; j++)
                {
                    float wv = w[j * k + i];
                    if (wv != 0f)
                    {
                        visitor.Visit(j, j * k + i, x, default(TProduct).Key(x, wv));
                    }
                }
            }
        }
    }
}
