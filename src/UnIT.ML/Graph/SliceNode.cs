namespace UnIT.ML.Graph;

/// <summary>
/// ONNX Slice (and each output of Split) on a run-time value with the bounds resolved at import: along
/// axis i it takes Counts[i] cells from Starts[i] in steps of Steps[i] (negative: backwards). The batch
/// axis is never sliced, so every sample is sliced on its own.
/// </summary>
public sealed class SliceNode : Node
{
    /// <summary>Creates the node; the arrays have one entry per non-batch axis (axis 1 first).</summary>
    public SliceNode(string name, string input, string output, int[] starts, int[] steps, int[] counts)
        : base(name, input, output)
    {
        ArgumentNullException.ThrowIfNull(starts);
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(counts);
        if (steps.Length != starts.Length || counts.Length != starts.Length || steps.Contains(0) || counts.Any(c => c < 1) || starts.Any(s => s < 0))
        {
            throw Error($"starts [{string.Join(",", starts)}], steps [{string.Join(",", steps)}] and counts [{string.Join(",", counts)}] must have one entry per non-batch axis, non-zero steps and positive counts.");
        }
        Starts = (int[])starts.Clone();
        Steps = (int[])steps.Clone();
        Counts = (int[])counts.Clone();
    }

    /// <summary>The first index taken along each non-batch axis.</summary>
    public int[] Starts { get; }

    /// <summary>The step along each non-batch axis.</summary>
    public int[] Steps { get; }

    /// <summary>How many cells are taken along each non-batch axis.</summary>
    public int[] Counts { get; }

    /// <inheritdoc/>
    public override string OpName => "Slice";

    /// <inheritdoc/>
    public override string Attributes => string.Join(" ", Starts.Select((s, i) => $"{s}:{Steps[i]}x{Counts[i]}"));

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input)
    {
        if (input.Rank != Starts.Length + 1)
        {
            throw Error($"bounds for {Starts.Length} non-batch axes do not fit the input {input}.");
        }
        for (int i = 0; i < Starts.Length; i++)
        {
            long last = Starts[i] + (long)(Counts[i] - 1) * Steps[i];
            if (Starts[i] >= input[i + 1] || last < 0 || last >= input[i + 1])
            {
                throw Error($"axis {i + 1}: {Counts[i]} cells from {Starts[i]} in steps of {Steps[i]} do not fit the input {input}.");
            }
        }
        return new Shape([input[0], .. Counts]);
    }
}
