using UnIT.ML.Graph;

namespace UnIT.Export;

/// <summary>
/// The activations whose float arithmetic C reproduces bit for bit: Relu (see <see cref="ReluEmitter"/>), LeakyRelu,
/// Clip (Relu6), HardSigmoid, HardSwish and Softsign, each the same IEEE operations in the same order as
/// ActivationNode.Apply (build with -ffp-contract=off). Fixed point: on the exact real value, rounded onto the output's
/// Q format. Those built on exp, tanh or log are refused: a C library's expf/tanhf/logf need not round as .NET's do.
/// </summary>
internal sealed class ActivationEmitter : INodeEmitter
{
    private readonly ReluEmitter _relu = new();

    // Element i is read, then written (the C loop below): the output may overwrite the input.
    public BufferSharing Sharing(Node node, EmitContext context) => BufferSharing.InPlace;

    public void Emit(Node node, EmitContext context)
    {
        var a = (ActivationNode)node;
        if (a.Kind == ActivationKind.Relu)
        {
            _relu.Emit(node, context);
            return;
        }
        string expr = a.Kind switch
        {
            ActivationKind.LeakyRelu => $"v >= 0.0f ? v : {EmitContext.FloatLiteral(a.Alpha)} * v",
            ActivationKind.Clip => Clip(a.Min, a.Max),
            ActivationKind.HardSigmoid => $"{CMath.MaxF}(0.0f, {CMath.MinF}(1.0f, {EmitContext.FloatLiteral(a.Alpha)} * v + {EmitContext.FloatLiteral(a.Beta)}))",
            ActivationKind.HardSwish => $"v * {CMath.MaxF}(0.0f, {CMath.MinF}(1.0f, v / 6.0f + 0.5f))",
            // |v| by sign: -0 gives -0 where MathF.Abs gives +0, and 1 + -0 = 1 + +0.
            ActivationKind.Softsign => "v / (1.0f + (v < 0.0f ? -v : v))",
            _ => throw EmitContext.Error(node,
                $"activation {a.Kind} needs exp, tanh or log, whose C library results may differ from .NET's MathF in the last bit; " +
                "export-c generates only what it can keep bit-exact with the engine (Relu, LeakyRelu, Clip, HardSigmoid, HardSwish, Softsign)."),
        };
        if (a.Kind is ActivationKind.HardSigmoid or ActivationKind.HardSwish)
        {
            context.Helper(CMath.MaxF);
        }
        int size = context.SampleShape(a.Output).SampleSize;
        context.CheckIndexRange(node, size);
        string x = context.Buffer(a.Input), y = context.Buffer(a.Output);
        context.Line($"for (i = 0; i < {size}; i++)");
        context.Line("{");
        context.Line($"    const float v = {context.ToFloat(a.Input, $"{x}[i]")};");
        context.Line($"    {y}[i] = {context.FromFloat(a.Output, $"({expr})")};");
        context.Line("}");
    }

    /// <summary>x &lt; min ? min : x &gt; max ? max : x; an infinite bound never holds and is left out.</summary>
    private static string Clip(float min, float max)
    {
        string expr = float.IsPositiveInfinity(max) ? "v" : $"v > {EmitContext.FloatLiteral(max)} ? {EmitContext.FloatLiteral(max)} : v";
        return float.IsNegativeInfinity(min) ? expr : $"v < {EmitContext.FloatLiteral(min)} ? {EmitContext.FloatLiteral(min)} : {expr}";
    }
}
