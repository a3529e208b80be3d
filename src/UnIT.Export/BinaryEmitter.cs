using System.Globalization;
using System.Text;
using UnIT.ML.Graph;

namespace UnIT.Export;

/// <summary>
/// Add/Sub/Mul/Div/Max/Min of two run-time values (residual joins), broadcast by numpy rules, as BroadcastKernel
/// computes them. float32: the float operation (the same as the kernel's double result rounded to float, since double
/// has more than twice float's precision). Fixed point: the operands' exact real values in double (the two Q formats
/// may differ), the result rounded once onto the output's Q format. Broadcasting walks a loop nest whose offsets step
/// by 0 along a broadcast axis.
/// </summary>
internal sealed class BinaryEmitter : INodeEmitter
{
    public bool AliasesInput(Node node, EmitContext context) => false;

    public void Emit(Node node, EmitContext context)
    {
        var b = (BinaryNode)node;
        if (b.Op == ElementwiseOp.PRelu)
        {
            throw EmitContext.Error(node, "PRelu between two run-time values has no C emitter (its slope must be a constant).");
        }
        Shape outShape = context.SampleShape(b.Output), left = context.SampleShape(b.Inputs[0]), right = context.SampleShape(b.Inputs[1]);
        context.CheckIndexRange(node, outShape.SampleSize);
        string x = context.Buffer(b.Inputs[0]), w = context.Buffer(b.Inputs[1]), y = context.Buffer(b.Output);
        if (left.Equals(outShape) && right.Equals(outShape))
        {
            context.Line($"for (i = 0; i < {outShape.SampleSize}; i++)");
            context.Line("{");
            context.Line($"    {y}[i] = {Expression(b, context, $"{x}[i]", $"{w}[i]")};");
            context.Line("}");
            return;
        }
        LoopNest(context, outShape, Strides(left, outShape), Strides(right, outShape),
            $"{y}[iy++] = {Expression(b, context, $"{x}[ia]", $"{w}[ib]")};");
    }

    private static string Expression(BinaryNode node, EmitContext context, string a, string b)
    {
        if (!context.FixedPoint)
        {
            return Combine(node, a, b, CMath.MaxF, CMath.MinF, context);
        }
        string l = $"((double){a} * {DoubleLiteral(Math.ScaleB(1.0, -context.Q(node.Inputs[0])))})";
        string r = $"((double){b} * {DoubleLiteral(Math.ScaleB(1.0, -context.Q(node.Inputs[1])))})";
        context.Helper(CMath.QFromDouble);
        return $"{CMath.QFromDouble}({Combine(node, l, r, CMath.MaxD, CMath.MinD, context)}, {DoubleLiteral(Math.ScaleB(1.0, context.Q(node.Output)))})";
    }

    private static string Combine(BinaryNode node, string a, string b, string max, string min, EmitContext context)
    {
        if (node.Op is ElementwiseOp.Max or ElementwiseOp.Min)
        {
            context.Helper(max);
            return $"{(node.Op == ElementwiseOp.Max ? max : min)}({a}, {b})";
        }
        string op = node.Op switch
        {
            ElementwiseOp.Add => "+",
            ElementwiseOp.Sub => "-",
            ElementwiseOp.Mul => "*",
            ElementwiseOp.Div => "/",
            _ => throw EmitContext.Error(node, $"op {node.Op} has no C emitter."),
        };
        return $"({a} {op} {b})";
    }

    /// <summary>The element stride of each axis of an operand in the output's index space: 0 where it broadcasts.</summary>
    private static int[] Strides(Shape shape, Shape outShape)
    {
        var strides = new int[outShape.Rank];
        for (int ax = shape.Rank - 1, stride = 1; ax >= 0; stride *= shape[ax], ax--)
        {
            strides[ax] = shape[ax] == 1 && outShape[ax] != 1 ? 0 : stride;
        }
        return strides;
    }

    /// <summary>
    /// One loop per non-batch axis; the innermost steps the operand offsets ia and ib by their strides and writes
    /// <paramref name="statement"/>; each outer level then moves them from the end of a row to the start of the next.
    /// </summary>
    private static void LoopNest(EmitContext context, Shape outShape, int[] sa, int[] sb, string statement)
    {
        int rank = outShape.Rank;
        var loops = new StringBuilder("unit_idx_t ia = 0, ib = 0, iy = 0");
        for (int ax = 1; ax < rank; ax++)
        {
            loops.Append(CultureInfo.InvariantCulture, $", k{ax}");
        }
        context.Line("{");
        context.Line($"    {loops};");
        for (int ax = 1; ax < rank; ax++)
        {
            string pad = new(' ', 4 * ax);
            string step = ax == rank - 1 ? $", ia += {sa[ax]}, ib += {sb[ax]}" : "";
            context.Line($"{pad}for (k{ax} = 0; k{ax} < {outShape[ax]}; k{ax}++{step})");
            context.Line($"{pad}{{");
        }
        context.Line($"{new string(' ', 4 * rank)}{statement}");
        for (int ax = rank - 1; ax >= 1; ax--)
        {
            string pad = new(' ', 4 * ax);
            context.Line($"{pad}}}");
            if (ax > 1)
            {
                // After the loop over axis ax: back from its end, on to the next index of axis ax - 1.
                long da = sa[ax - 1] - (long)outShape[ax] * sa[ax], db = sb[ax - 1] - (long)outShape[ax] * sb[ax];
                context.Line($"{new string(' ', 4 * (ax - 1))}ia += {da};");
                context.Line($"{new string(' ', 4 * (ax - 1))}ib += {db};");
            }
        }
        context.Line("}");
    }

    /// <summary>A C double literal that parses back to exactly <paramref name="v"/> (a power of two here).</summary>
    private static string DoubleLiteral(double v)
    {
        string s = v.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') ? s : s + ".0";
    }
}
