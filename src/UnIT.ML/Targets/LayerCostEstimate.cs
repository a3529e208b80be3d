namespace UnIT.ML.Targets;

/// <summary>
/// Estimated cost of one prunable layer per inference (its counts divided by its samples), with the pruned
/// cycles broken down by kind and the dense baseline costed with the same table. Immutable.
/// </summary>
public sealed record LayerCostEstimate
{
    /// <summary>The layer's name.</summary>
    public required string Layer { get; init; }

    /// <summary>Samples the counts were summed over.</summary>
    public required long Samples { get; init; }

    /// <summary>Executed MACs × their cycles (multiply + add, the dense MAC's, or a list MAC's), plus compensated skips.</summary>
    public required double MacCycles { get; init; }

    /// <summary>
    /// Skip-rule cycles: compare-and-branch of the zero and threshold tests, or, for a layer the C runs by sorted lists
    /// under a table with <see cref="CostTable.SortedLists"/>, the lists' work (scans, sorting, searches and walks).
    /// </summary>
    public required double ComparisonCycles { get; init; }

    /// <summary>Threshold computation cycles: divisions, shifts, compares, mask ops and table lookups of the approximator.</summary>
    public required double DivisionCycles { get; init; }

    /// <summary>Weight and activation read cycles.</summary>
    public required double MemoryCycles { get; init; }

    /// <summary>Pruned-run cycles: the sum of the four parts.</summary>
    public double Cycles => MacCycles + ComparisonCycles + DivisionCycles + MemoryCycles;

    /// <summary>Dense-baseline cycles: every MAC's multiply, add and two reads, no comparisons.</summary>
    public required double DenseCycles { get; init; }

    /// <summary>Pruned-run energy in µJ.</summary>
    public required double EnergyMicrojoules { get; init; }

    /// <summary>Dense-baseline energy in µJ.</summary>
    public required double DenseEnergyMicrojoules { get; init; }

    /// <summary>Estimated speed-up, dense / pruned cycles (1 when both are 0, +infinity when only the pruned run is free).</summary>
    public double Speedup => CostEstimate.Ratio(DenseCycles, Cycles);
}
