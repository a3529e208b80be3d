namespace UnIT.ML.Graph;

/// <summary>
/// Add, Sub, Mul or Div between the run-time input and a constant that broadcasts into it
/// (numpy rules), as exporters emit for input normalization. The constant may be either operand.
/// </summary>
public sealed class ElementwiseNode : Node
{
    /// <summary>Creates the node; <paramref name="constantFirst"/> means the constant is the left operand (c - x, c / x).</summary>
    public ElementwiseNode(string name, string input, string output, ElementwiseOp op, Tensor constant, bool constantFirst)
        : base(name, input, output)
    {
        Op = op;
        Constant = constant;
        ConstantFirst = constantFirst;
        if (op == ElementwiseOp.PRelu && constantFirst)
        {
            throw Error("PRelu's slope is its second operand; the constant cannot come first.");
        }
    }

    /// <summary>The arithmetic.</summary>
    public ElementwiseOp Op { get; }

    /// <summary>The constant operand.</summary>
    public Tensor Constant { get; }

    /// <summary>True when the constant is the left operand.</summary>
    public bool ConstantFirst { get; }

    /// <inheritdoc/>
    public override string OpName => Op.ToString();

    /// <inheritdoc/>
    public override long ParameterCount => Constant.Data.Length;

    /// <inheritdoc/>
    public override string Attributes => $"{(ConstantFirst ? "const op x" : "x op const")}, const {Constant.Shape}";

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input)
    {
        Shape c = Constant.Shape;
        if (c.Rank > input.Rank)
        {
            throw Error($"constant {c} has more axes than the input {input}; only constants that broadcast into the input are supported.");
        }
        if (c.Rank == input.Rank && c[0] != 1)
        {
            throw Error($"constant {c} has {c[0]} entries along the batch axis of the input {input} (one per sample of a fixed batch): each sample's result would depend on its position in the batch.");
        }
        for (int i = 1; i <= c.Rank; i++)
        {
            int cd = c[c.Rank - i];
            int id = input[input.Rank - i];
            if (cd != 1 && cd != id)
            {
                throw Error($"constant {c} does not broadcast into the input {input}.");
            }
        }
        return input;
    }

    /// <summary>Applies the arithmetic to one input value and one constant value.</summary>
    public float Apply(float x, float c)
    {
        (float a, float b) = ConstantFirst ? (c, x) : (x, c);
        return Op switch
        {
            ElementwiseOp.Add => a + b,
            ElementwiseOp.Sub => a - b,
            ElementwiseOp.Mul => a * b,
            ElementwiseOp.Div => a / b,
            ElementwiseOp.Max => MathF.Max(a, b),
            ElementwiseOp.Min => MathF.Min(a, b),
            ElementwiseOp.PRelu => a >= 0f ? a : a * b,
            _ => throw new InvalidOperationException($"Unknown op {Op}."),
        };
    }
}
