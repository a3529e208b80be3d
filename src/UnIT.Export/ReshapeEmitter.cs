using UnIT.ML.Graph;

namespace UnIT.Export;

/// <summary>Flatten and Reshape move no data: the output shares the input's buffer (a rescale when fixed-point Q formats differ).</summary>
internal sealed class ReshapeEmitter : INodeEmitter
{
    public bool AliasesInput(Node node, EmitContext context) => !context.FixedPoint || context.Q(node.Input) == context.Q(node.Output);

    public void Emit(Node node, EmitContext context)
    {
        if (AliasesInput(node, context))
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
