namespace UnIT.ML.Graph;

/// <summary>
/// Inference-mode batch normalization that could not be folded into a preceding convolution,
/// stored as y = x * Scale[c] + Shift[c] over channel axis 1.
/// </summary>
public sealed class BatchNormNode : Node
{
    /// <summary>Creates the node from the per-channel affine form.</summary>
    public BatchNormNode(string name, string input, string output, float[] scale, float[] shift)
        : base(name, input, output)
    {
        if (scale.Length != shift.Length)
        {
            throw Error($"scale has {scale.Length} channels but shift has {shift.Length}.");
        }
        Scale = scale;
        Shift = shift;
    }

    /// <summary>Multiplier per channel: gamma / sqrt(var + epsilon).</summary>
    public float[] Scale { get; }

    /// <summary>Offset per channel: beta - mean * Scale.</summary>
    public float[] Shift { get; }

    /// <inheritdoc/>
    public override string OpName => "BatchNormalization";

    /// <inheritdoc/>
    public override long ParameterCount => Scale.Length * 2L;

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input)
    {
        if (input.Rank < 2 || input[1] != Scale.Length)
        {
            throw Error($"has {Scale.Length} channels but the input is {input}.");
        }
        return input;
    }
}
