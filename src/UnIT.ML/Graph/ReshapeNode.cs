namespace UnIT.ML.Graph;

/// <summary>
/// ONNX Reshape with a constant target: 0 copies the input's dimension, -1 is inferred.
/// The batch axis must be kept (target[0] is 0, -1 or the batch size's placeholder).
/// </summary>
public sealed class ReshapeNode : Node
{
    /// <summary>Creates the node with the constant target shape.</summary>
    public ReshapeNode(string name, string input, string output, long[] target) : base(name, input, output)
    {
        if (target.Length == 0 || target.Count(t => t == -1) > 1 || target.Any(t => t < -1))
        {
            throw Error($"invalid target shape [{string.Join(",", target)}]: at most one -1 and no other negative values.");
        }
        Target = (long[])target.Clone();
    }

    /// <summary>The target shape as ONNX states it.</summary>
    public long[] Target { get; }

    /// <inheritdoc/>
    public override string OpName => "Reshape";

    /// <inheritdoc/>
    public override string Attributes => $"to [{string.Join(",", Target)}]";

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input)
    {
        // Resolve everything but the batch axis per sample, so a dynamic batch passes through.
        long sample = input.SampleSize;
        int[] d = new int[Target.Length];
        long known = 1;
        int inferred = -1;
        for (int i = 1; i < Target.Length; i++)
        {
            long t = Target[i] == 0 ? (i < input.Rank ? input[i] : throw Error($"target [{string.Join(",", Target)}] copies axis {i} that input {input} lacks.")) : Target[i];
            if (t == -1)
            {
                inferred = i;
                continue;
            }
            // Entries are at least 1, so a running product beyond the sample size can never come back to it;
            // stopping there keeps the product below 2^62.
            known *= Math.Min(t, sample + 1);
            if (known > sample)
            {
                throw Error($"cannot reshape input {input} ({sample} elements per sample) to [{string.Join(",", Target)}].");
            }
            d[i] = (int)t;
        }
        bool batchInferred = Target[0] == -1;
        bool batchKept = Target[0] == 0 || batchInferred || (input[0] != Shape.Dynamic && Target[0] == input[0]);
        if (!batchKept)
        {
            throw Error($"target [{string.Join(",", Target)}] changes the batch axis of input {input}; only reshapes that keep the batch axis are supported.");
        }
        if (inferred >= 0)
        {
            if (batchInferred || known == 0 || sample % known != 0)
            {
                throw Error($"cannot reshape input {input} to [{string.Join(",", Target)}].");
            }
            d[inferred] = (int)(sample / known);
        }
        else if (known != sample)
        {
            throw Error($"cannot reshape input {input} ({sample} elements per sample) to [{string.Join(",", Target)}].");
        }
        d[0] = input[0];
        return new Shape(d);
    }
}
