namespace UnIT.ML.Sweeps;

/// <summary>What produced a <see cref="SweepPoint"/>: a baseline of docs/method.md, UnIT, or the threshold search.</summary>
public enum SweepPointKind
{
    /// <summary>No pruning: every threshold 0 (zero skipping still counted, as the paper's "Unpruned" rows do).</summary>
    Dense,

    /// <summary>Global magnitude pruning of the weights to a sparsity, without retraining; thresholds 0.</summary>
    MagnitudePruning,

    /// <summary>FATReLU alone (ReLU outputs &lt;= tau set to 0); thresholds 0.</summary>
    FatRelu,

    /// <summary>UnIT thresholds calibrated at one percentile for every layer, possibly on top of a baseline.</summary>
    Unit,

    /// <summary>UnIT thresholds with a percentile chosen per layer by <see cref="ThresholdSearch"/>.</summary>
    Search,
}
