namespace UnIT.ML.Sweeps;

/// <summary>The cost axis a Pareto front trades accuracy against.</summary>
public enum ParetoObjective
{
    /// <summary>Maximize the fraction of MACs skipped.</summary>
    SkippedFraction,

    /// <summary>Minimize the estimated cycles per inference (compare points of one profile only).</summary>
    Cycles,
}
