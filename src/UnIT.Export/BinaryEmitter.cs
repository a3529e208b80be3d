using System.Globalization;
using System.Text;
using UnIT.ML.Graph;

namespace UnIT.Export;

/// <summary>
/// Add/Sub/Mul/Div/Max/Min of two run-time values (residual joins), broadcast by numpy rules, as BroadcastKernel
/// computes them. float32: the float operation (the same as the kernel's double result rounded to float, since double
/// has more than twice float's precision). Fixed point: the exact result in integers (the two Q formats may differ),
/// rounded once onto the output's Q format; Div alone goes through double. Broadcasting walks a loop nest whose offsets step
/// by 0 along a broadcast axis.
/// </summary>
internal sealed class BinaryEmitter : INodeEmitter
{
    public BufferSharing Sharing(Node node, EmitContext context) => BufferSharing.None;

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
            context.Line($"    {Statement(b, context, $"{y}[i]", $"{x}[i]", $"{w}[i]")}");
            context.Line("}");
            return;
        }
        LoopNest(context, outShape, Strides(left, outShape), Strides(right, outShape),
            Statement(b, context, $"{y}[iy++]", $"{x}[ia]", $"{w}[ib]"));
    }

    /// <summary>The C statement that stores the result of <paramref name="a"/> op <paramref name="b"/> into <paramref name="y"/>.</summary>
    private static string Statement(BinaryNode node, EmitContext context, string y, string a, string b)
    {
        if (!context.FixedPoint)
        {
            return $"{y} = {Combine(node, a, b, CMath.MaxF, CMath.MinF, context)};";
        }
        if (node.Op == ElementwiseOp.Div)
        {
            // A quotient of two Q values is not an integer: it stays in double (a target needs soft double for it).
            string l = $"((double){a} * {DoubleLiteral(Math.ScaleB(1.0, -context.Q(node.Inputs[0])))})";
            string r = $"((double){b} * {DoubleLiteral(Math.ScaleB(1.0, -context.Q(node.Inputs[1])))})";
            context.Helper(CMath.QFromDouble);
            return $"{y} = {CMath.QFromDouble}({Combine(node, l, r, CMath.MaxD, CMath.MinD, context)}, {DoubleLiteral(Math.ScaleB(1.0, context.Q(node.Output)))});";
        }
        return IntegerStatement(node, context, y, a, b);
    }

    /// <summary>
    /// Add/Sub/Max/Min/Mul of two Q values in exact integer arithmetic: the sum, difference or extreme of both aligned to
    /// the finer format, or the full product (Q of the sum of both), rounded once half away from zero onto the output's
    /// Q format and saturated to int16, which is what the engine's exact double rounded by FixedPointMath.Quantize gives.
    /// 32-bit where the value (and an upward shift) fits, else 64-bit.
    /// </summary>
    private static string IntegerStatement(BinaryNode node, EmitContext context, string y, string a, string b)
    {
        int qa = context.Q(node.Inputs[0]), qb = context.Q(node.Inputs[1]), qo = context.Q(node.Output);
        // format: the exact result's Q; magnitude: log2 of the largest |exact value| (int16 operands reach 2^15).
        int format = node.Op == ElementwiseOp.Mul ? qa + qb : Math.Max(qa, qb);
        int magnitude = node.Op switch
        {
            ElementwiseOp.Mul => 30,
            ElementwiseOp.Add or ElementwiseOp.Sub => 16 + format - Math.Min(qa, qb),
            _ => 15 + format - Math.Min(qa, qb),
        };
        int shift = format - qo;
        string type = Fits(magnitude, shift, 31) ? "int32_t" : Fits(magnitude, shift, 63) ? "int64_t"
            : throw EmitContext.Error(node, $"the exact result in Q{format} rescaled to the output's Q{qo} does not fit a 64-bit integer.");
        string suffix = type == "int32_t" ? "L" : "LL";
        bool mul = node.Op == ElementwiseOp.Mul;
        string la = Aligned(a, mul ? 0 : format - qa, type, suffix), rb = Aligned(b, mul ? 0 : format - qb, type, suffix);
        string exact = node.Op switch
        {
            ElementwiseOp.Mul => $"{la} * {rb}",
            ElementwiseOp.Add => $"{la} + {rb}",
            ElementwiseOp.Sub => $"{la} - {rb}",
            ElementwiseOp.Max => $"{la} > {rb} ? {la} : {rb}",
            ElementwiseOp.Min => $"{la} < {rb} ? {la} : {rb}",
            _ => throw EmitContext.Error(node, $"op {node.Op} has no C emitter."),
        };
        string rounded = shift switch
        {
            > 0 => $"t = t >= 0 ? (t + {1L << (shift - 1)}{suffix}) >> {shift} : -((-t + {1L << (shift - 1)}{suffix}) >> {shift});",
            < 0 => $"t *= {1L << -shift}{suffix};",
            _ => "",
        };
        return $"{{ {type} t = {exact}; {rounded} {y} = t > 32767{suffix} ? 32767 : t < -32768{suffix} ? -32768 : (int16_t)t; }}";
    }

    /// <summary>
    /// Whether a value of magnitude up to 2^<paramref name="magnitude"/>, plus the rounding half of a downward
    /// <paramref name="shift"/> or times 2^-shift for an upward one, stays below 2^<paramref name="bits"/>.
    /// </summary>
    private static bool Fits(int magnitude, int shift, int bits) => shift >= 0
        ? magnitude < bits && shift <= bits && !(magnitude == bits - 1 && shift == bits)
        : magnitude - shift < bits;

    /// <summary>Q value <paramref name="v"/> widened to <paramref name="type"/> and scaled up by 2^<paramref name="shift"/> (a product: no shift of a negative value).</summary>
    private static string Aligned(string v, int shift, string type, string suffix) =>
        shift == 0 ? $"({type}){v}" : $"(({type}){v} * {1L << shift}{suffix})";

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
