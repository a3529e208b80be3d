namespace UnIT.ML.Graph;

/// <summary>
/// Add, Sub, Mul, Div, Max or Min of two run-time values with numpy broadcasting, as residual connections
/// (ResNet, MobileNetV2), Swish/SiLU, squeeze-excitation and variadic Sum/Max/Min/Mean need. Both operands have the same rank,
/// so their batch axes line up; any other axis is equal or 1 in one of them.
/// </summary>
public sealed class BinaryNode : Node
{
    /// <summary>Creates the node computing <paramref name="left"/> op <paramref name="right"/>.</summary>
    public BinaryNode(string name, string left, string right, string output, ElementwiseOp op)
        : base(name, [left, right], output)
    {
        if (op is not (ElementwiseOp.Add or ElementwiseOp.Sub or ElementwiseOp.Mul or ElementwiseOp.Div or ElementwiseOp.Max or ElementwiseOp.Min))
        {
            throw Error($"{op} of two run-time values is not supported.");
        }
        Op = op;
    }

    /// <summary>The arithmetic.</summary>
    public ElementwiseOp Op { get; }

    /// <inheritdoc/>
    public override string OpName => Op.ToString();

    /// <inheritdoc/>
    public override string Attributes => Op switch
    {
        ElementwiseOp.Add => $"{Inputs[0]} + {Inputs[1]}",
        ElementwiseOp.Sub => $"{Inputs[0]} - {Inputs[1]}",
        ElementwiseOp.Mul => $"{Inputs[0]} * {Inputs[1]}",
        ElementwiseOp.Div => $"{Inputs[0]} / {Inputs[1]}",
        _ => $"{Op.ToString().ToLowerInvariant()}({Inputs[0]}, {Inputs[1]})",
    };

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input) => throw Error("takes two inputs but was given one.");

    /// <inheritdoc/>
    public override Shape InferOutputShape(IReadOnlyList<Shape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != 2)
        {
            throw Error($"takes two inputs but was given {inputs.Count}.");
        }
        Shape a = inputs[0], b = inputs[1];
        if (a.Rank != b.Rank)
        {
            throw Error($"operands {a} and {b} have different ranks; broadcasting them would line a batch axis up with another axis, so each sample's result would depend on other samples.");
        }
        var dims = new int[a.Rank];
        dims[0] = a[0] == b[0] ? a[0] : a[0] == Shape.Dynamic ? b[0] : b[0] == Shape.Dynamic ? a[0]
            : throw Error($"operands {a} and {b} have different batch sizes.");
        for (int i = 1; i < dims.Length; i++)
        {
            dims[i] = a[i] == b[i] || b[i] == 1 ? a[i] : a[i] == 1 ? b[i]
                : throw Error($"operands {a} and {b} do not broadcast (axis {i}: {a[i]} vs {b[i]}).");
        }
        return new Shape(dims);
    }

    /// <summary>Applies the arithmetic to one pair of operand values.</summary>
    public float Apply(float a, float b) => Op switch
    {
        ElementwiseOp.Add => a + b,
        ElementwiseOp.Sub => a - b,
        ElementwiseOp.Mul => a * b,
        ElementwiseOp.Div => a / b,
        ElementwiseOp.Max => MathF.Max(a, b),
        ElementwiseOp.Min => MathF.Min(a, b),
        _ => throw new InvalidOperationException($"Unknown op {Op}."),
    };
}
