namespace UnIT.ML.Sweeps;

/// <summary>What <see cref="Comparison"/> measured: one row per method and accuracy limit.</summary>
public sealed class ComparisonResult
{
    /// <summary>The rows, by limit and then in <see cref="ComparisonOptions.Methods"/> order.</summary>
    public required IReadOnlyList<ComparisonRow> Rows { get; init; }

    /// <summary>The dense model's accuracy on the test set.</summary>
    public required double DenseTestAccuracy { get; init; }

    /// <summary>The options the comparison ran with.</summary>
    public required ComparisonOptions Options { get; init; }

    /// <summary>Validation samples each evaluation ran.</summary>
    public required int ValidationSamples { get; init; }

    /// <summary>Test samples each chosen setting ran.</summary>
    public required int TestSamples { get; init; }
}
