namespace UnIT.ML.Graph;

/// <summary>
/// A layer whose multiply-accumulates UnIT may skip: a convolution or a fully connected layer.
/// </summary>
public abstract class PrunableNode : Node
{
    /// <summary>Creates the node; <paramref name="weight"/>'s first dimension is the output channel or neuron.</summary>
    protected PrunableNode(string name, string input, string output, Tensor weight, float[]? bias)
        : base(name, input, output)
    {
        ArgumentNullException.ThrowIfNull(weight);
        Weight = weight;
        Bias = bias;
        if (bias is not null && bias.Length != OutputChannels)
        {
            throw Error($"bias has {bias.Length} elements but the weight has {OutputChannels} output channels.");
        }
    }

    /// <summary>The weights; dimension 0 is the output channel (conv) or output neuron (fully connected).</summary>
    public Tensor Weight { get; }

    /// <summary>The bias per output channel or neuron, or null.</summary>
    public float[]? Bias { get; }

    /// <summary>Number of output channels (conv) or neurons (fully connected): the groups of group-wise thresholds.</summary>
    public int OutputChannels => Weight.Shape[0];

    /// <summary>True when the control term (the reused operand) is the weight, as in convolutions; false when it is the activation.</summary>
    public abstract bool WeightIsControlTerm { get; }

    /// <summary>This layer with other weights (same shape), for baselines such as magnitude pruning.</summary>
    public abstract PrunableNode WithWeight(Tensor weight);

    /// <summary>This layer with another bias (one per output channel or neuron, or null), for bias correction.</summary>
    public abstract PrunableNode WithBias(float[]? bias);

    /// <inheritdoc/>
    public override long ParameterCount => Weight.Data.Length + (Bias?.Length ?? 0);
}
