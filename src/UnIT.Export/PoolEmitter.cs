using UnIT.ML.Graph;

namespace UnIT.Export;

/// <summary>
/// MaxPool (see <see cref="MaxPoolEmitter"/>) and AveragePool over [C, H, W] (1-D as H = 1), the latter as PoolKernel
/// computes it: a float sum of the window's cells inside the input, divided by their count (plus the explicit padding
/// cells with count_include_pad; ceil-mode overhang never counts). Fixed point: on the exact real values, the mean
/// rounded onto the output's Q format.
/// </summary>
internal sealed class PoolEmitter : INodeEmitter
{
    private readonly MaxPoolEmitter _max = new();

    public BufferSharing Sharing(Node node, EmitContext context) => BufferSharing.None;

    public void Emit(Node node, EmitContext context)
    {
        var pool = (PoolNode)node;
        if (pool.Kind == PoolKind.Max)
        {
            _max.Emit(node, context);
            return;
        }
        Shape inShape = context.SampleShape(pool.Input), outShape = context.SampleShape(pool.Output);
        context.CheckIndexRange(node, inShape.SampleSize);
        bool twoD = pool.Kernel.Length == 2;
        int a = twoD ? 1 : 0;
        int inH = twoD ? inShape[2] : 1, inW = inShape[^1], outH = twoD ? outShape[2] : 1, outW = outShape[^1];
        int kH = twoD ? pool.Kernel[0] : 1, kW = pool.Kernel[a], sH = twoD ? pool.Strides[0] : 1, sW = pool.Strides[a];
        int pT = twoD ? pool.PadsBegin[0] : 0, pL = pool.PadsBegin[a], pB = twoD ? pool.PadsEnd[0] : 0, pR = pool.PadsEnd[a];
        int dH = twoD ? pool.Dilations[0] : 1, dW = pool.Dilations[a];
        string count = pool.CountIncludePad ? "inside + padded" : "inside";
        context.Line("{");
        context.Line($"    const unit_value_t *x = {context.Buffer(pool.Input)};");
        context.Line($"    unit_value_t *y = {context.Buffer(pool.Output)};");
        context.Line("    unit_idx_t c, oh, ow, kh, kw;");
        context.Line($"    for (c = 0; c < {inShape[1]}; c++, x += {inH * inW})");
        context.Line("    {");
        context.Line($"        for (oh = 0; oh < {outH}; oh++)");
        context.Line("        {");
        context.Line($"            for (ow = 0; ow < {outW}; ow++)");
        context.Line("            {");
        context.Line("                float acc = 0.0f;");
        context.Line(pool.CountIncludePad ? "                unit_idx_t inside = 0, padded = 0;" : "                unit_idx_t inside = 0;");
        context.Line($"                for (kh = 0; kh < {kH}; kh++)");
        context.Line("                {");
        context.Line($"                    const unit_idx_t ih = (unit_idx_t)(oh * {sH} - {pT} + kh * {dH});");
        context.Line($"                    for (kw = 0; kw < {kW}; kw++)");
        context.Line("                    {");
        context.Line($"                        const unit_idx_t iw = (unit_idx_t)(ow * {sW} - {pL} + kw * {dW});");
        context.Line($"                        if (ih < 0 || ih >= {inH} || iw < 0 || iw >= {inW})");
        context.Line("                        {");
        if (pool.CountIncludePad)
        {
            context.Line($"                            padded += ih >= {-pT} && ih < {inH + pB} && iw >= {-pL} && iw < {inW + pR};");
        }
        context.Line("                            continue;");
        context.Line("                        }");
        context.Line($"                        acc += {context.ToFloat(pool.Input, $"x[ih * {inW} + iw]")};");
        context.Line("                        inside++;");
        context.Line("                    }");
        context.Line("                }");
        context.Line($"                *y++ = {context.FromFloat(pool.Output, $"acc / (float)({count})")};");
        context.Line("            }");
        context.Line("        }");
        context.Line("    }");
        context.Line("}");
    }
}
