namespace UnIT.ML.Graph;

/// <summary>
/// Concatenation of run-time values along one non-batch axis, as Inception, SqueezeNet, DenseNet
/// and ShuffleNet join their branches. All inputs have the same rank and agree on every other axis.
/// </summary>
public sealed class ConcatNode : Node
{
    /// <summary>Creates the node; <paramref name="axis"/> counts from 0 (the batch axis, not allowed) and is not negative.</summary>
    public ConcatNode(string name, IReadOnlyList<string> inputs, string output, int axis)
        : base(name, inputs, output)
    {
        if (axis < 1)
        {
            throw Error($"axis {axis} is the batch axis or negative; only a non-batch axis keeps every sample's result its own.");
        }
        Axis = axis;
    }

    /// <summary>The axis the inputs are joined along (at least 1).</summary>
    public int Axis { get; }

    /// <inheritdoc/>
    public override string OpName => "Concat";

    /// <inheritdoc/>
    public override string Attributes => $"axis {Axis} of {string.Join(", ", Inputs)}";

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input) => InferOutputShape([input]);

    /// <inheritdoc/>
    public override Shape InferOutputShape(IReadOnlyList<Shape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != Inputs.Count)
        {
            throw Error($"has {Inputs.Count} inputs but was given {inputs.Count} shapes.");
        }
        Shape first = inputs[0];
        if (Axis >= first.Rank)
        {
            throw Error($"axis {Axis} is out of range for inputs of rank {first.Rank}.");
        }
        long joined = 0;
        foreach (Shape s in inputs)
        {
            bool fits = s.Rank == first.Rank && Enumerable.Range(1, s.Rank - 1).All(d => d == Axis || s[d] == first[d]);
            if (!fits || (s[0] != first[0] && s[0] != Shape.Dynamic && first[0] != Shape.Dynamic))
            {
                throw Error($"inputs of shapes {string.Join(", ", inputs)} do not concatenate along axis {Axis}.");
            }
            joined += s[Axis];
        }
        int[] dims = first.Dimensions;
        dims[Axis] = joined <= int.MaxValue ? (int)joined : throw Error($"the joined axis {Axis} would hold {joined} elements.");
        dims[0] = inputs.Any(s => s[0] == Shape.Dynamic) ? Shape.Dynamic : first[0];
        return new Shape(dims);
    }
}
