using UnIT.ML.Graph;
using UnIT.ML.Kernels;

namespace UnIT.Export;

/// <summary>
/// Add/Sub/Mul/Div/Max/Min/PRelu with a constant (as ElementwiseNode.Apply), and BatchNormalization (x * scale + shift per channel): float32 arithmetic in
/// both profiles, as the C# engine runs them (fixed point: on the exact real value of q, requantized to the output's
/// Q format). The constant is expanded to the sample's shape unless it is a single value.
/// </summary>
internal sealed class AffineEmitter : INodeEmitter
{
    // Element i is read, then written (the C loop below): the output may overwrite the input.
    public BufferSharing Sharing(Node node, EmitContext context) => BufferSharing.InPlace;

    public void Emit(Node node, EmitContext context)
    {
        Shape shape = context.SampleShape(node.Output);
        int size = shape.SampleSize;
        string expr;
        if (node is ElementwiseNode e)
        {
            string c = e.Constant.Data.Length == 1
                ? EmitContext.FloatLiteral(e.Constant.Data[0])
                : context.ConstFloat(e.Name + "_c", Broadcast(e, shape, size)) + "[i]";
            (string a, string b) = e.ConstantFirst ? (c, "v") : ("v", c);
            expr = e.Op switch
            {
                ElementwiseOp.Add => $"{a} + {b}",
                ElementwiseOp.Sub => $"{a} - {b}",
                ElementwiseOp.Mul => $"{a} * {b}",
                ElementwiseOp.Div => $"{a} / {b}",
                ElementwiseOp.Max => $"{CMath.MaxF}({a}, {b})",
                ElementwiseOp.Min => $"{CMath.MinF}({a}, {b})",
                ElementwiseOp.PRelu => $"{a} >= 0.0f ? {a} : {a} * {b}",
                _ => throw EmitContext.Error(node, $"op {e.Op} has no C emitter."),
            };
            if (e.Op is ElementwiseOp.Max or ElementwiseOp.Min)
            {
                context.Helper(CMath.MaxF);
            }
        }
        else
        {
            var bn = (BatchNormNode)node;
            int inner = size / bn.Scale.Length;
            string scale = context.ConstFloat(bn.Name + "_scale", bn.Scale), shift = context.ConstFloat(bn.Name + "_shift", bn.Shift);
            // Two roundings, as in C#: the product, then the sum (no fused multiply-add: build with -ffp-contract=off).
            expr = $"v * {scale}[i / {inner}] + {shift}[i / {inner}]";
        }
        string x = context.Buffer(node.Input), y = context.Buffer(node.Output);
        context.Line($"for (i = 0; i < {size}; i++)");
        context.Line("{");
        if (context.FixedPoint)
        {
            context.Line($"    const float v = unit_float_from_q({x}[i], {context.Q(node.Input)});");
            context.Line($"    {y}[i] = unit_q_from_float({expr}, {context.Q(node.Output)});");
        }
        else
        {
            context.Line($"    const float v = {x}[i];");
            context.Line($"    {y}[i] = {expr};");
        }
        context.Line("}");
    }

    /// <summary>The constant at every element of one sample (numpy broadcasting, as ElementwiseKernel.Binary walks it).</summary>
    private static float[] Broadcast(ElementwiseNode node, Shape shape, int size)
    {
        var ones = new float[size];
        Array.Fill(ones, 1f);
        var expanded = new float[size];
        // c * 1 is exactly c: the C# kernel's own broadcast walk lays the constant out.
        var probe = new ElementwiseNode(node.Name, node.Input, node.Output, ElementwiseOp.Mul, node.Constant, constantFirst: false);
        ElementwiseKernel.Binary(probe, shape, ones, expanded);
        return expanded;
    }
}
