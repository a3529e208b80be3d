using UnIT.ML.Graph;

namespace UnIT.Export;

/// <summary>
/// Flatten and Reshape move no data: the output shares the input's buffer (a rescale when fixed-point Q formats differ,
/// elementwise, so in place where nothing reads the input later).
/// </summary>
internal sealed class ReshapeEmitter : INodeEmitter
{
    public BufferSharing Sharing(Node node, EmitContext context) =>
        !context.FixedPoint || context.Q(node.Input) == context.Q(node.Output) ? BufferSharing.Alias : BufferSharing.InPlace;

    public void Emit(Node node, EmitContext context)
    {
        if (Sharing(node, context) == BufferSharing.Alias)
        {
            return;
        }
        int d = context.Q(node.Output) - context.Q(node.Input);
        context.Line($"for (i = 0; i < {context.SampleShape(node.Output).SampleSize}; i++)");
        context.Line("{");
        context.Line($"    {context.Buffer(node.Output)}[i] = unit_rescale({context.Buffer(node.Input)}[i], {d});");
        context.Line("}");
    }
}
