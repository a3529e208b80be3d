namespace UnIT.ML.Graph;

/// <summary>How a <see cref="ReduceNode"/> combines the values it reduces.</summary>
public enum ReduceKind
{
    /// <summary>The mean (ReduceMean, GlobalAveragePool).</summary>
    Mean,

    /// <summary>The largest value (ReduceMax, GlobalMaxPool).</summary>
    Max,

    /// <summary>The smallest value.</summary>
    Min,

    /// <summary>The sum.</summary>
    Sum,

    /// <summary>The product.</summary>
    Prod,
}
