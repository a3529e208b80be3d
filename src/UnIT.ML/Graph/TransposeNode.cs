namespace UnIT.ML.Graph;

/// <summary>
/// ONNX Transpose of the non-batch axes (NHWC exports, channel shuffle): output axis i is input axis
/// Perm[i]. Perm[0] is 0, so the batch axis stays first and every sample is transposed on its own.
/// </summary>
public sealed class TransposeNode : Node
{
    /// <summary>Creates the node; <paramref name="perm"/> is a permutation of 0..rank-1 that keeps axis 0.</summary>
    public TransposeNode(string name, string input, string output, int[] perm)
        : base(name, input, output)
    {
        ArgumentNullException.ThrowIfNull(perm);
        if (perm.Length == 0 || perm[0] != 0 || perm.Order().Where((p, i) => p != i).Any())
        {
            throw Error($"perm [{string.Join(",", perm)}] must be a permutation that keeps the batch axis (0) first; moving it would mix samples.");
        }
        Perm = (int[])perm.Clone();
    }

    /// <summary>Output axis i is input axis Perm[i].</summary>
    public int[] Perm { get; }

    /// <inheritdoc/>
    public override string OpName => "Transpose";

    /// <inheritdoc/>
    public override string Attributes => $"perm [{string.Join(",", Perm)}]";

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input)
    {
        if (input.Rank != Perm.Length)
        {
            throw Error($"perm [{string.Join(",", Perm)}] does not fit the rank-{input.Rank} input {input}.");
        }
        return new Shape(Perm.Select(p => input[p]).ToArray());
    }
}
