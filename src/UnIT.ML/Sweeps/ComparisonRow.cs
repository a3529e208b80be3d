namespace UnIT.ML.Sweeps;

/// <summary>
/// One method under one accuracy limit in a <see cref="Comparison"/>: the setting chosen on the validation set and what
/// it does on the test set. Immutable.
/// </summary>
public sealed record ComparisonRow
{
    /// <summary>The method.</summary>
    public required ComparisonMethod Method { get; init; }

    /// <summary>The accuracy limit D the setting was chosen under on validation (0.01 is one point).</summary>
    public required double MaxAccuracyDrop { get; init; }

    /// <summary>The chosen setting in words (e.g. "p=40", "tau=0.2", "conv1 p=35, conv2 p=60, fc p=40", with "(chosen under D = 1 pts)" after it when <see cref="ChosenUnder"/> is set); "none" when nothing met D.</summary>
    public required string Setting { get; init; }

    /// <summary>The chosen setting on the validation set; null when no setting of the method met D (not even the dense one).</summary>
    public SweepPoint? Validation { get; init; }

    /// <summary>The chosen setting on the test set; null when <see cref="Validation"/> is.</summary>
    public SweepPoint? Test { get; init; }

    /// <summary>
    /// For a search, the tighter limit whose search chose this row's setting, when that choice scored higher on validation
    /// than this limit's own search (it meets this limit too); null when the setting was chosen under this limit.
    /// </summary>
    public double? ChosenUnder { get; init; }

    /// <summary>Validation runs spent on this row: a search's own, or its curve's points so far (grid and refinements up to this limit; shared by the curve's rows).</summary>
    public required int Evaluations { get; init; }
}
