using UnIT.ML.Graph;

namespace UnIT.Export;

/// <summary>
/// GlobalAveragePool as PoolKernel.GlobalAverage computes it: per channel, a float sum of the plane in order, divided
/// by the plane's size. Fixed point: the sum of the exact real values, rounded onto the output's Q format.
/// </summary>
internal sealed class GlobalAveragePoolEmitter : INodeEmitter
{
    public BufferSharing Sharing(Node node, EmitContext context) => BufferSharing.None;

    public void Emit(Node node, EmitContext context)
    {
        Shape inShape = context.SampleShape(node.Input);
        context.CheckIndexRange(node, inShape.SampleSize);
        int channels = inShape[1], plane = inShape.SampleSize / channels;
        context.Line("{");
        context.Line($"    const unit_value_t *x = {context.Buffer(node.Input)};");
        context.Line("    unit_idx_t c, j;");
        context.Line($"    for (c = 0; c < {channels}; c++)");
        context.Line("    {");
        context.Line("        float sum = 0.0f;");
        context.Line($"        for (j = 0; j < {plane}; j++)");
        context.Line("        {");
        context.Line($"            sum += {context.ToFloat(node.Input, "x[j]")};");
        context.Line("        }");
        context.Line($"        x += {plane};");
        context.Line($"        {context.Buffer(node.Output)}[c] = {context.FromFloat(node.Output, $"sum / {EmitContext.FloatLiteral(plane)}")};");
        context.Line("    }");
        context.Line("}");
    }
}
