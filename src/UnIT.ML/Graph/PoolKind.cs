namespace UnIT.ML.Graph;

/// <summary>The reduction a pooling node applies.</summary>
public enum PoolKind
{
    /// <summary>Maximum over the window (ONNX MaxPool).</summary>
    Max,

    /// <summary>Mean over the window (ONNX AveragePool).</summary>
    Average,
}
