namespace UnIT.ML.Graph;

/// <summary>Binary arithmetic between a run-time tensor and a constant, or between two run-time tensors.</summary>
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

    /// <summary>The larger of a and b (ONNX Max).</summary>
    Max,

    /// <summary>The smaller of a and b (ONNX Min).</summary>
    Min,

    /// <summary>a when a &gt;= 0, else a * b: ONNX PRelu with slope b (only with a constant slope).</summary>
    PRelu,
}
