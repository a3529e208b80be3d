namespace UnIT.ML.Graph;

/// <summary>
/// Softmax or LogSoftmax over a run of axes [<see cref="FirstAxis"/>, <see cref="LastAxis"/>] taken
/// together, for each index of the other axes: one axis for opset 13 and later; from the axis to the
/// last for older opsets (which coerce the input to 2-D at the axis). Never over the batch axis.
/// </summary>
public sealed class AxisSoftmaxNode : Node
{
    /// <summary>Creates the node; 1 &lt;= <paramref name="firstAxis"/> &lt;= <paramref name="lastAxis"/>.</summary>
    public AxisSoftmaxNode(string name, string input, string output, int firstAxis, int lastAxis, bool log)
        : base(name, input, output)
    {
        if (firstAxis < 1 || lastAxis < firstAxis)
        {
            throw Error($"axes {firstAxis}..{lastAxis} must be non-batch axes in order; a softmax over the batch axis (0) would mix samples.");
        }
        FirstAxis = firstAxis;
        LastAxis = lastAxis;
        Log = log;
    }

    /// <summary>The first normalized axis.</summary>
    public int FirstAxis { get; }

    /// <summary>The last normalized axis.</summary>
    public int LastAxis { get; }

    /// <summary>True for LogSoftmax.</summary>
    public bool Log { get; }

    /// <inheritdoc/>
    public override string OpName => Log ? "LogSoftmax" : "Softmax";

    /// <inheritdoc/>
    public override string Attributes => FirstAxis == LastAxis ? $"axis {FirstAxis}" : $"axes {FirstAxis}..{LastAxis}";

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input) =>
        LastAxis < input.Rank ? input : throw Error($"axis {LastAxis} is out of range for the input {input}.");
}
