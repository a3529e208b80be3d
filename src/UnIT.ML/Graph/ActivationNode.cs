using System.Globalization;

namespace UnIT.ML.Graph;

/// <summary>An element-wise activation (Relu, LeakyRelu, Clip/Relu6, Sigmoid, Tanh, HardSigmoid, HardSwish, Elu, Selu, Softplus, Softsign).</summary>
public sealed class ActivationNode : Node
{
    /// <summary>
    /// Creates the node. <paramref name="alpha"/> is the slope or scale of LeakyRelu, HardSigmoid, Elu and Selu;
    /// <paramref name="beta"/> is HardSigmoid's offset and Selu's gamma; <paramref name="min"/>/<paramref name="max"/> are Clip's bounds.
    /// </summary>
    public ActivationNode(string name, string input, string output, ActivationKind kind,
        float alpha = 0.01f, float min = float.NegativeInfinity, float max = float.PositiveInfinity, float beta = 0f)
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
        Beta = beta;
    }

    /// <summary>Which activation.</summary>
    public ActivationKind Kind { get; }

    /// <summary>The slope or scale of LeakyRelu, HardSigmoid, Elu and Selu.</summary>
    public float Alpha { get; }

    /// <summary>HardSigmoid's offset and Selu's gamma.</summary>
    public float Beta { get; }

    /// <summary>True for the kinds whose behaviour depends on <see cref="Beta"/> (it is serialized only for them).</summary>
    public bool HasBeta => Kind is ActivationKind.HardSigmoid or ActivationKind.Selu;

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
        ActivationKind.Elu => string.Create(CultureInfo.InvariantCulture, $"alpha={Alpha}"),
        ActivationKind.HardSigmoid or ActivationKind.Selu => string.Create(CultureInfo.InvariantCulture, $"alpha={Alpha} {(Kind == ActivationKind.Selu ? "gamma" : "beta")}={Beta}"),
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
        ActivationKind.HardSigmoid => MathF.Max(0f, MathF.Min(1f, Alpha * x + Beta)),
        ActivationKind.HardSwish => x * MathF.Max(0f, MathF.Min(1f, x / 6f + 0.5f)),
        ActivationKind.Elu => x >= 0f ? x : Alpha * (MathF.Exp(x) - 1f),
        ActivationKind.Selu => x > 0f ? Beta * x : Beta * (Alpha * MathF.Exp(x) - Alpha),
        // log1p(exp(x)) in double; for large x, exp overflows float but x itself is the answer.
        ActivationKind.Softplus => x > 30f ? x : (float)Math.Log(1.0 + Math.Exp(x)),
        ActivationKind.Softsign => x / (1f + MathF.Abs(x)),
        _ => throw new InvalidOperationException($"Unknown activation {Kind}."),
    };
}
