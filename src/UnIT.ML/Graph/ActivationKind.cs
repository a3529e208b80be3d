namespace UnIT.ML.Graph;

/// <summary>The element-wise non-linearities the graph supports.</summary>
public enum ActivationKind
{
    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>x when x &gt;= 0, else alpha * x.</summary>
    LeakyRelu,

    /// <summary>min(max(x, min), max); Relu6 is Clip(0, 6).</summary>
    Clip,

    /// <summary>1 / (1 + exp(-x)).</summary>
    Sigmoid,

    /// <summary>tanh(x).</summary>
    Tanh,
}
