namespace UnIT.ML.Graph;

/// <summary>ONNX Flatten: axes before <see cref="Axis"/> become the rows, the rest the columns.</summary>
public sealed class FlattenNode : Node
{
    /// <summary>Creates the node.</summary>
    public FlattenNode(string name, string input, string output, int axis) : base(name, input, output)
    {
        Axis = axis;
    }

    /// <summary>The axis at which to split (ONNX default 1; negative counts from the end).</summary>
    public int Axis { get; }

    /// <inheritdoc/>
    public override string OpName => "Flatten";

    /// <inheritdoc/>
    public override string Attributes => $"axis={Axis}";

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input)
    {
        int axis = Axis < 0 ? Axis + input.Rank : Axis;
        if (axis < 0 || axis > input.Rank)
        {
            throw Error($"axis {Axis} is out of range for input {input}.");
        }
        if (axis != 1)
        {
            throw Error($"only axis 1 (keep the batch axis) is supported; got axis {Axis}.");
        }
        return new Shape(input[0], input.SampleSize);
    }
}
