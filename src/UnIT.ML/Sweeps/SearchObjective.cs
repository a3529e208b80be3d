namespace UnIT.ML.Sweeps;

/// <summary>What <see cref="ThresholdSearch"/> maximizes under its accuracy constraint.</summary>
public enum SearchObjective
{
    /// <summary>The fraction of MACs skipped (zero and threshold).</summary>
    Macs,

    /// <summary>The estimated speed-up (dense / pruned cycles) on the chosen profile and division, i.e. the fewest cycles.</summary>
    Cycles,
}
