namespace UnIT.ML.Graph;

/// <summary>
/// A fully connected layer: ONNX Gemm, or MatMul with a constant right operand (plus an optional
/// Add of a constant bias). Weight shape [N, K]: output neuron n reads input k with weight W[n, k].
/// The input's last axis has K elements; leading axes are kept.
/// </summary>
public sealed class FullyConnectedNode : PrunableNode
{
    /// <summary>Creates the node; <paramref name="opName"/> records the ONNX op it came from (Gemm or MatMul).</summary>
    public FullyConnectedNode(string name, string input, string output, Tensor weight, float[]? bias, string opName = "Gemm")
        : base(name, input, output, weight, bias)
    {
        if (weight.Shape.Rank != 2)
        {
            throw Error($"weight must be a matrix [N, K]; got {weight.Shape}.");
        }
        OpName = opName;
    }

    /// <summary>Number of inputs per neuron (K).</summary>
    public int InputFeatures => Weight.Shape[1];

    /// <inheritdoc/>
    public override string OpName { get; }

    /// <inheritdoc/>
    public override bool WeightIsControlTerm => false;

    /// <inheritdoc/>
    public override PrunableNode WithWeight(Tensor weight) => new FullyConnectedNode(Name, Input, Output, weight, Bias, OpName);

    /// <inheritdoc/>
    public override PrunableNode WithBias(float[]? bias) => new FullyConnectedNode(Name, Input, Output, Weight, bias, OpName);

    /// <inheritdoc/>
    public override string Attributes => $"{InputFeatures}->{OutputChannels}";

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input)
    {
        if (input.Rank < 2 || input[input.Rank - 1] != InputFeatures)
        {
            throw Error($"expects an input whose last axis has {InputFeatures} features but got {input}.");
        }
        int[] d = input.Dimensions;
        d[^1] = OutputChannels;
        return new Shape(d);
    }

    /// <inheritdoc/>
    public override long MacsPerSample(Shape input)
    {
        long rowsPerSample = 1;
        for (int i = 1; i < input.Rank - 1; i++)
        {
            rowsPerSample *= input[i];
        }
        return rowsPerSample * InputFeatures * OutputChannels;
    }
}
