namespace UnIT.ML.Graph;

/// <summary>
/// Add, Sub, Mul or Div of two run-time values with numpy broadcasting, as residual connections
/// (ResNet, MobileNetV2), Swish/SiLU and squeeze-excitation need. Both operands have the same rank,
/// so their batch axes line up; any other axis is equal or 1 in one of them.
/// </summary>
public sealed class BinaryNode : Node
{
    /// <summary>Creates the node computing <paramref name="left"/> op <paramref name="right"/>.</summary>
    public BinaryNode(string name, string left, string right, string output, ElementwiseOp op)
        : base(name, [left, right], output)
    {
        Op = op;
    }

    /// <summary>The arithmetic.</summary>
    public ElementwiseOp Op { get; }

    /// <inheritdoc/>
    public override string OpName => Op.ToString();

    /// <inheritdoc/>
    public override string Attributes => $"{Inputs[0]} {Symbol} {Inputs[1]}";

    private string Symbol => Op switch
    {
        ElementwiseOp.Add => "+",
        ElementwiseOp.Sub => "-",
        ElementwiseOp.Mul => "*",
        _ => "/",
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
        _ => throw new InvalidOperationException($"Unknown op {Op}."),
    };
}
