namespace UnIT.ML.Graph;

/// <summary>Binary arithmetic between a run-time tensor and a constant.</summary>
public enum ElementwiseOp
{
    /// <summary>a + b.</summary>
    Add,

    /// <summary>a - b.</summary>
    Sub,

    /// <summary>a * b.</summary>
    Mul,

    /// <summary>a / b.</summary>
    Div,
}
