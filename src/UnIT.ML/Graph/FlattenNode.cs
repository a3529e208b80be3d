namespace UnIT.ML.Graph;

/// <summary>
/// ONNX Flatten: axes before <see cref="Axis"/> become the rows, the rest the columns. The rows must be
/// the samples, so every axis between the batch axis and <see cref="Axis"/> has size 1.
/// </summary>
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
        // Axes 1..axis-1 join the batch axis in the rows; only when they all have size 1 do the rows stay the samples.
        if (axis == 0 || Enumerable.Range(1, axis - 1).Any(i => input[i] != 1))
        {
            throw Error($"axis {Axis} of input {input} folds {(axis == 0 ? "the batch axis into the columns" : "non-batch axes into the rows")}, which mixes samples; only axis 1, or an axis preceded by size-1 axes only, is supported.");
        }
        return new Shape(input[0], input.SampleSize);
    }
}
