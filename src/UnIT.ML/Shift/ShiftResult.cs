namespace UnIT.ML.Shift;

/// <summary>What <see cref="ShiftComparison"/> measured: the clean row first, then one row per shift and strength.</summary>
public sealed class ShiftResult
{
    /// <summary>The rows.</summary>
    public required IReadOnlyList<ShiftRow> Rows { get; init; }

    /// <summary>The magnitude-pruning sparsity whose MACs skipped on clean data came nearest UnIT's.</summary>
    public required double MagnitudeSparsity { get; init; }

    /// <summary>The options it ran with.</summary>
    public required ShiftOptions Options { get; init; }
}
