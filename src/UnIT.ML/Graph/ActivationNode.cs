using System.Globalization;

namespace UnIT.ML.Graph;

/// <summary>An element-wise activation (Relu, LeakyRelu, Clip/Relu6, Sigmoid, Tanh).</summary>
public sealed class ActivationNode : Node
{
    /// <summary>Creates the node. <paramref name="alpha"/> is LeakyRelu's slope; <paramref name="min"/>/<paramref name="max"/> are Clip's bounds.</summary>
    public ActivationNode(string name, string input, string output, ActivationKind kind,
        float alpha = 0.01f, float min = float.NegativeInfinity, float max = float.PositiveInfinity)
        : base(name, input, output)
    {
        if (kind == ActivationKind.Clip && !(min <= max))
        {
            throw Error($"Clip needs min <= max; got min={min}, max={max}.");
        }
        Kind = kind;
        Alpha = alpha;
        Min = min;
        Max = max;
    }

    /// <summary>Which activation.</summary>
    public ActivationKind Kind { get; }

    /// <summary>LeakyRelu's negative slope.</summary>
    public float Alpha { get; }

    /// <summary>Clip's lower bound.</summary>
    public float Min { get; }

    /// <summary>Clip's upper bound.</summary>
    public float Max { get; }

    /// <inheritdoc/>
    public override string OpName => Kind.ToString();

    /// <inheritdoc/>
    public override string Attributes => Kind switch
    {
        ActivationKind.LeakyRelu => string.Create(CultureInfo.InvariantCulture, $"alpha={Alpha}"),
        ActivationKind.Clip => string.Create(CultureInfo.InvariantCulture, $"min={Min} max={Max}"),
        _ => string.Empty,
    };

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input) => input;

    /// <summary>Applies the activation to one value.</summary>
    public float Apply(float x) => Kind switch
    {
        ActivationKind.Relu => x > 0f ? x : 0f,
        ActivationKind.LeakyRelu => x >= 0f ? x : Alpha * x,
        ActivationKind.Clip => x < Min ? Min : x > Max ? Max : x,
        ActivationKind.Sigmoid => 1f / (1f + MathF.Exp(-x)),
        ActivationKind.Tanh => MathF.Tanh(x),
        _ => throw new InvalidOperationException($"Unknown activation {Kind}."),
    };
}
