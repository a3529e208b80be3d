using UnIT.ML.Pruning;

namespace UnIT.ML.Sweeps;

/// <summary>What <see cref="ThresholdSearch"/> found, with the whole trace. Everything was measured on the validation set only.</summary>
public sealed class SearchResult
{
    /// <summary>The chosen thresholds (<see cref="ThresholdSet.Method"/> "search", with division, profile and, for fixed point, Q formats); save with <see cref="ThresholdSet.Save"/>.</summary>
    public required ThresholdSet Thresholds { get; init; }

    /// <summary>The chosen calibration percentile of each prunable layer, or null for T = 0.</summary>
    public required IReadOnlyDictionary<string, double?> LayerPercentiles { get; init; }

    /// <summary>The chosen state's metrics on the validation set.</summary>
    public required SweepPoint Validation { get; init; }

    /// <summary>The best single-percentile state within the accuracy limit (the baseline the search must beat), or null when none was.</summary>
    public SweepPoint? BestUniform { get; init; }

    /// <summary>Whether the chosen state meets the accuracy limit; false when even T = 0 everywhere does not (e.g. fixed-point loss).</summary>
    public required bool Feasible { get; init; }

    /// <summary>Every evaluation in order.</summary>
    public required IReadOnlyList<SearchStep> Trace { get; init; }

    /// <summary>The options the search ran with.</summary>
    public required SearchOptions Options { get; init; }

    /// <summary>Evaluations spent on the validation set.</summary>
    public int Evaluations => Trace.Count;
}
