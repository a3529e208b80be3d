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

    /// <summary>
    /// Whether the validation accuracy drop plus <see cref="ConfidenceZ"/> standard errors is within the limit, on the
    /// samples the search decides on (all, or the even ones with <see cref="SearchOptions.CrossValidate"/>).
    /// </summary>
    public required bool Feasible { get; init; }

    /// <summary>The validation drop plus <see cref="ConfidenceZ"/> standard errors on the samples the search decides on: what <see cref="Feasible"/> compares with the limit.</summary>
    public double UpperBound { get; init; }

    /// <summary>The z this step was judged with (grows with the evaluations under <see cref="SearchOptions.SelectionAdjustedMargin"/>).</summary>
    public double ConfidenceZ { get; init; }

    /// <summary>The standard error of the validation drop on all samples (by image with <see cref="SearchOptions.ValidationShifts"/>).</summary>
    public double StandardError { get; init; }

    /// <summary>The damage the greedy passes rank by (<see cref="SearchOptions.RankBy"/>), on the samples the search decides on.</summary>
    public double Damage { get; init; }

    /// <summary>With <see cref="SearchOptions.CrossValidate"/>: the accuracy drop on the odd validation samples, which no decision saw.</summary>
    public double? HoldoutDrop { get; init; }

    /// <summary>With <see cref="SearchOptions.CrossValidate"/>: the paired standard error of <see cref="HoldoutDrop"/>.</summary>
    public double? HoldoutStandardError { get; init; }

    /// <summary>Whether a greedy pass moved to this state.</summary>
    public bool Accepted { get; init; }
}
