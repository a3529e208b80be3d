namespace UnIT.ML.Sweeps;

/// <summary>One evaluation of a <see cref="ThresholdSearch"/> on the validation set. Immutable.</summary>
public sealed record SearchStep
{
    /// <summary>1-based number of the evaluation.</summary>
    public required int Evaluation { get; init; }

    /// <summary>The stage that asked for it.</summary>
    public required SearchPhase Phase { get; init; }

    /// <summary>Each prunable layer's calibration percentile, or null when the layer runs at T = 0.</summary>
    public required IReadOnlyDictionary<string, double?> LayerPercentiles { get; init; }

    /// <summary>All metrics of the state on the validation set.</summary>
    public required SweepPoint Point { get; init; }

    /// <summary>The objective's value (skipped fraction, or speed-up for the cycles objective); higher is better.</summary>
    public required double Objective { get; init; }

    /// <summary>Whether the validation accuracy drop is within the limit.</summary>
    public required bool Feasible { get; init; }

    /// <summary>Whether a greedy pass moved to this state.</summary>
    public bool Accepted { get; init; }
}
