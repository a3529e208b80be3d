using UnIT.ML.Graph;

namespace UnIT.Export;

/// <summary>
/// Relu (with the FATReLU tau when the configuration has one). Fixed point: the C# engine applies it to the exact
/// real value of q and requantizes to the output's Q format; <c>q &gt; floor(tau * 2^f)</c> is the same test, and the
/// rescale is exact. <see cref="ActivationEmitter"/> hands it the Relu nodes.
/// </summary>
internal sealed class ReluEmitter : INodeEmitter
{
    // Element i is read, then written (the C loop below): the output may overwrite the input.
    public BufferSharing Sharing(Node node, EmitContext context) => BufferSharing.InPlace;

    public void Emit(Node node, EmitContext context)
    {
        var a = (ActivationNode)node;
        float tau = context.Configuration.FatReluThresholds?.GetValueOrDefault(a.Name) ?? 0f;
        int size = context.SampleShape(a.Output).SampleSize;
        string x = context.Buffer(a.Input), y = context.Buffer(a.Output);
        context.Line($"for (i = 0; i < {size}; i++)");
        context.Line("{");
        if (context.FixedPoint)
        {
            int fi = context.Q(a.Input), fo = context.Q(a.Output);
            long qtau = Math.Min(short.MaxValue, (long)Math.Floor(Math.ScaleB((double)tau, fi)));
            context.Line($"    const int16_t v = {x}[i];");
            context.Line($"    {y}[i] = unit_rescale(v > {qtau} ? v : 0, {fo - fi});");
        }
        else
        {
            // One comparison: NaN compares false, so it passes through, as in the C# kernel and ONNX Runtime.
            context.Line($"    const float v = {x}[i];");
            context.Line($"    {y}[i] = v <= {EmitContext.FloatLiteral(tau)} ? 0.0f : v;");
        }
        context.Line("}");
    }
}
