namespace UnIT.ML.Sweeps;

/// <summary>How a group-wise search spreads a layer's percentile level over its output channels / neurons.</summary>
public enum GroupAllocation
{
    /// <summary>Every group at the level's percentile of its own products (plain group-wise calibration).</summary>
    SamePercentile,

    /// <summary>
    /// The layer skips the level's percentile of its MACs in total, spread so that every group loses the same share
    /// of its own product mass (<see cref="Pruning.ProductHistogram.EqualErrorPercentiles"/>).
    /// </summary>
    SameRelativeError,

    /// <summary>
    /// The layer skips the level's percentile of its MACs in total, with each group's threshold at T ~ 1 / sqrt(F) for its
    /// measured output sensitivity F (<see cref="Pruning.ChannelSensitivity"/>, <see cref="Pruning.ProductHistogram.SensitivityPercentiles"/>).
    /// </summary>
    Sensitivity,
}
