namespace UnIT.ML.Graph;

/// <summary>Mean over all spatial positions of each channel (ONNX GlobalAveragePool): [N, C, ...] to [N, C, 1, ...].</summary>
public sealed class GlobalAveragePoolNode(string name, string input, string output) : Node(name, input, output)
{
    /// <inheritdoc/>
    public override string OpName => "GlobalAveragePool";

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input)
    {
        if (input.Rank < 3)
        {
            throw Error($"expects an input [N, C, spatial...] but got {input}.");
        }
        int[] d = input.Dimensions;
        for (int i = 2; i < d.Length; i++)
        {
            d[i] = 1;
        }
        return new Shape(d);
    }
}
