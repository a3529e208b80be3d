using UnIT.ML.Graph;

namespace UnIT.Export;

/// <summary>
/// Concat along a non-batch axis, as ConcatKernel copies: for each index of the axes before the axis, each input's
/// block in turn. Fixed point: each input is moved onto the output's Q format (exact, or rounded half away from zero
/// and saturated, as the engine re-quantizes the copied real values).
/// </summary>
internal sealed class ConcatEmitter : INodeEmitter
{
    public BufferSharing Sharing(Node node, EmitContext context) => BufferSharing.None;

    public void Emit(Node node, EmitContext context)
    {
        var concat = (ConcatNode)node;
        Shape outShape = context.SampleShape(concat.Output);
        context.CheckIndexRange(node, outShape.SampleSize);
        int outer = 1;
        for (int d = 1; d < concat.Axis; d++)
        {
            outer *= outShape[d];
        }
        int outBlock = outShape.SampleSize / outer, offset = 0;
        string y = context.Buffer(concat.Output);
        foreach (string input in concat.Inputs)
        {
            int block = context.SampleShape(input).SampleSize / outer;
            string element = "x[j]";
            if (context.FixedPoint && context.Q(input) != context.Q(concat.Output))
            {
                element = $"unit_rescale(x[j], {context.Q(concat.Output) - context.Q(input)})";
            }
            context.Line("{");
            context.Line($"    const unit_value_t *x = {context.Buffer(input)};");
            context.Line($"    unit_value_t *out = {y} + {offset};");
            context.Line("    unit_idx_t o, j;");
            context.Line($"    for (o = 0; o < {outer}; o++, x += {block}, out += {outBlock})");
            context.Line("    {");
            context.Line($"        for (j = 0; j < {block}; j++)");
            context.Line("        {");
            context.Line($"            out[j] = {element};");
            context.Line("        }");
            context.Line("    }");
            context.Line("}");
            offset += block;
        }
    }
}
