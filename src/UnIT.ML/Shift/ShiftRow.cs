using UnIT.ML.Sweeps;

namespace UnIT.ML.Shift;

/// <summary>One shifted (or the clean) test set: UnIT and magnitude pruning, both set up on clean data, evaluated on it. Immutable.</summary>
public sealed record ShiftRow
{
    /// <summary>The shift; null for the clean data.</summary>
    public ShiftKind? Kind { get; init; }

    /// <summary>The shift's strength in its unit (<see cref="ImageShift.Apply"/>); 0 for the clean data.</summary>
    public double Strength { get; init; }

    /// <summary>UnIT at the clean-calibrated thresholds on this data (its dense accuracy is the dense model's on it).</summary>
    public required SweepPoint Unit { get; init; }

    /// <summary>Magnitude pruning at the sparsity matched on clean data.</summary>
    public required SweepPoint Magnitude { get; init; }

    /// <summary>The train-time pruned model (<see cref="ShiftOptions.TrainTimePruned"/>) as it is, or null; its dense accuracy is its own.</summary>
    public SweepPoint? TrainTime { get; init; }

    /// <summary>UnIT on top of the train-time pruned model, calibrated on clean data; null without one.</summary>
    public SweepPoint? TrainTimeUnit { get; init; }
}
