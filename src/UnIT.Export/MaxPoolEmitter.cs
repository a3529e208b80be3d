using UnIT.ML.Graph;

namespace UnIT.Export;

/// <summary>
/// MaxPool over [C, H, W] (1-D as H = 1), windows clipped to the input as the C# kernel does. Fixed point: the
/// maximum of the q values (the real values' order) rescaled to the output's Q format.
/// </summary>
internal sealed class MaxPoolEmitter : INodeEmitter
{
    private const string Kernel = """
        /* Max pool of one sample; p: channels, in_h, in_w, out_h, out_w, k_h, k_w, s_h, s_w, pad_t, pad_l, dil_h, dil_w.
         * Row offsets are stepped, not multiplied: the MSP430 has no multiply instruction. */
        static void unit_maxpool(const unit_idx_t *p, const unit_value_t *in, unit_value_t *out, int16_t rescale)
        {
            const unit_idx_t in_h = p[1], in_w = p[2], s_h = p[7], s_w = p[8], dil_h = p[11], dil_w = p[12];
            const unit_idx_t row_step = (unit_idx_t)(s_h * in_w), kh_step = (unit_idx_t)(dil_h * in_w);
            const unit_idx_t plane = (unit_idx_t)(in_h * in_w), top = (unit_idx_t)(p[9] * in_w);
            unit_idx_t c, oh, ow, kh, kw;
            (void)rescale;
            for (c = 0; c < p[0]; c++, in += plane)
            {
                unit_idx_t ih0 = (unit_idx_t)-p[9], row0 = (unit_idx_t)-top;
                for (oh = 0; oh < p[3]; oh++, ih0 += s_h, row0 += row_step)
                {
                    unit_idx_t iw0 = (unit_idx_t)-p[10];
                    for (ow = 0; ow < p[4]; ow++, iw0 += s_w)
                    {
                        unit_value_t acc = UNIT_VALUE_LOWEST;
                        unit_idx_t ih = ih0, row = row0;
                        for (kh = 0; kh < p[5]; kh++, ih += dil_h, row += kh_step)
                        {
                            unit_idx_t iw = iw0;
                            if ((unit_uidx_t)ih >= (unit_uidx_t)in_h)
                            {
                                continue;
                            }
                            for (kw = 0; kw < p[6]; kw++, iw += dil_w)
                            {
                                unit_value_t v;
                                if ((unit_uidx_t)iw >= (unit_uidx_t)in_w)
                                {
                                    continue;
                                }
                                v = in[row + iw];
                                acc = acc > v ? acc : v;
                            }
                        }
                        *out++ = UNIT_POOL_RESULT(acc, rescale);
                    }
                }
            }
        }

        """;

    public BufferSharing Sharing(Node node, EmitContext context) => BufferSharing.None;

    public void Emit(Node node, EmitContext context)
    {
        var pool = (PoolNode)node;
        if (pool.Kind != PoolKind.Max)
        {
            throw EmitContext.Error(node, "export-c supports MaxPool only among pools.");
        }
        Shape inShape = context.SampleShape(pool.Input), outShape = context.SampleShape(pool.Output);
        bool twoD = pool.Kernel.Length == 2;
        int a = twoD ? 1 : 0;
        int[] p =
        [
            inShape[1], twoD ? inShape[2] : 1, inShape[^1], twoD ? outShape[2] : 1, outShape[^1],
            twoD ? pool.Kernel[0] : 1, pool.Kernel[a], twoD ? pool.Strides[0] : 1, pool.Strides[a],
            twoD ? pool.PadsBegin[0] : 0, pool.PadsBegin[a], twoD ? pool.Dilations[0] : 1, pool.Dilations[a],
        ];
        context.CheckIndexRange(node, inShape.SampleSize);
        string name = context.FixedPoint
            ? context.ConstInt16(pool.Name + "_p", p)
            : context.Const("unit_idx_t", pool.Name + "_p", p, 4, EmitContext.Int);
        // Float builds inline it per layer like the other float layer kernels (UNIT_LAYER_KERNEL): a pool two layers call
        // otherwise stays generic (mnist_cnn's pools on a Cortex-M4F: 2.7 times the instructions).
        context.Kernel("maxpool", context.FixedPoint ? Kernel : Kernel.Replace("static void unit_maxpool", "UNIT_LAYER_KERNEL void unit_maxpool", StringComparison.Ordinal));
        int rescale = context.FixedPoint ? context.Q(pool.Output) - context.Q(pool.Input) : 0;
        context.Line($"unit_maxpool({name}, {context.Buffer(pool.Input)}, {context.Buffer(pool.Output)}, {rescale});");
    }
}
