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

    /// <summary>max(0, min(1, alpha * x + beta)).</summary>
    HardSigmoid,

    /// <summary>x * max(0, min(1, x / 6 + 1/2)).</summary>
    HardSwish,

    /// <summary>x when x &gt;= 0, else alpha * (exp(x) - 1).</summary>
    Elu,

    /// <summary>beta * x when x &gt; 0, else beta * alpha * (exp(x) - 1) (ONNX Selu's gamma is beta here).</summary>
    Selu,

    /// <summary>log(1 + exp(x)).</summary>
    Softplus,

    /// <summary>x / (1 + |x|).</summary>
    Softsign,
}
