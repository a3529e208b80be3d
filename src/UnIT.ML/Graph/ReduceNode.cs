namespace UnIT.ML.Graph;

/// <summary>
/// ONNX ReduceMean/Max/Min/Sum/Prod (and GlobalMaxPool) over non-batch axes, so each sample is
/// reduced on its own; with <see cref="KeepDims"/> the reduced axes stay with size 1.
/// </summary>
public sealed class ReduceNode : Node
{
    /// <summary>Creates the node; <paramref name="axes"/> are distinct non-batch axes (at least 1).</summary>
    public ReduceNode(string name, string input, string output, ReduceKind kind, int[] axes, bool keepDims)
        : base(name, input, output)
    {
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Length == 0 || axes.Any(a => a < 1) || axes.Distinct().Count() != axes.Length)
        {
            throw Error($"axes [{string.Join(",", axes)}] must be distinct non-batch axes; reducing over the batch axis (0) would mix samples.");
        }
        Kind = kind;
        Axes = axes.Order().ToArray();
        KeepDims = keepDims;
    }

    /// <summary>How values are combined.</summary>
    public ReduceKind Kind { get; }

    /// <summary>The reduced axes, ascending.</summary>
    public int[] Axes { get; }

    /// <summary>Whether reduced axes stay (with size 1).</summary>
    public bool KeepDims { get; }

    /// <inheritdoc/>
    public override string OpName => $"Reduce{Kind}";

    /// <inheritdoc/>
    public override string Attributes => $"axes [{string.Join(",", Axes)}]{(KeepDims ? " keepdims" : string.Empty)}";

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input)
    {
        if (Axes[^1] >= input.Rank)
        {
            throw Error($"axes [{string.Join(",", Axes)}] are out of range for the input {input}.");
        }
        int[] dims = input.Dimensions;
        return new Shape(KeepDims
            ? dims.Select((d, i) => Axes.Contains(i) ? 1 : d).ToArray()
            : dims.Where((_, i) => !Axes.Contains(i)).ToArray());
    }
}
