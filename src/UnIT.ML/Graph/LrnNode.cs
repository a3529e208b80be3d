using System.Globalization;

namespace UnIT.ML.Graph;

/// <summary>
/// Local response normalization across channels (ONNX LRN, as in AlexNet and GoogLeNet):
/// y = x / (bias + alpha / size * sum of x^2 over the size channels around c)^beta, channel axis 1.
/// </summary>
public sealed class LrnNode : Node
{
    /// <summary>Creates the node; <paramref name="size"/> channels are summed (floor((size-1)/2) below, ceil((size-1)/2) above).</summary>
    public LrnNode(string name, string input, string output, int size, float alpha, float beta, float bias)
        : base(name, input, output)
    {
        if (size < 1)
        {
            throw Error($"size must be positive; got {size}.");
        }
        Size = size;
        Alpha = alpha;
        Beta = beta;
        Bias = bias;
    }

    /// <summary>Number of channels in each window.</summary>
    public int Size { get; }

    /// <summary>Scale of the sum of squares (divided by <see cref="Size"/>).</summary>
    public float Alpha { get; }

    /// <summary>Exponent.</summary>
    public float Beta { get; }

    /// <summary>Added to the scaled sum.</summary>
    public float Bias { get; }

    /// <inheritdoc/>
    public override string OpName => "LRN";

    /// <inheritdoc/>
    public override string Attributes => string.Create(CultureInfo.InvariantCulture, $"size={Size} alpha={Alpha} beta={Beta} bias={Bias}");

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input) =>
        input.Rank >= 3 ? input : throw Error($"expects an input [N, C, spatial...] but got {input}.");
}
