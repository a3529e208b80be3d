using System.Globalization;

namespace UnIT.ML.Targets;

/// <summary>
/// Estimated cycles, time and energy of one inference on a target, for the pruned run and for the dense
/// baseline costed with the same table, in total and per layer (see <see cref="CostModel"/>). Immutable.
/// The figures are only as good as the cost table; reports should name the profile and the approximator.
/// </summary>
public sealed record CostEstimate
{
    /// <summary>The profile's name (float32, max78000, msp430, ...).</summary>
    public required string Target { get; init; }

    /// <summary>The cost table used.</summary>
    public required CostTable Costs { get; init; }

    /// <summary>Samples the statistics covered (those of the first layer).</summary>
    public required long Samples { get; init; }

    /// <summary>Per-layer estimates, in execution order.</summary>
    public required IReadOnlyList<LayerCostEstimate> Layers { get; init; }

    /// <summary>
    /// The nodes outside the prunable layers, in graph order, when the table prices them (<see cref="CostTable.NodeCosts"/>) and
    /// the graph was given; empty otherwise.
    /// </summary>
    public IReadOnlyList<NodeCostEstimate> Nodes { get; init; } = [];

    /// <summary>Cycles per inference of <see cref="Nodes"/>, in both the pruned and the dense figure.</summary>
    public double NodeCycles => Nodes.Sum(n => n.Cycles);

    /// <summary>Pruned-run cycles per inference (sum over layers and nodes).</summary>
    public double Cycles => Layers.Sum(l => l.Cycles) + NodeCycles;

    /// <summary>Dense-baseline cycles per inference (sum over layers and nodes).</summary>
    public double DenseCycles => Layers.Sum(l => l.DenseCycles) + NodeCycles;

    /// <summary>Pruned-run energy per inference in µJ.</summary>
    public double EnergyMicrojoules => Layers.Sum(l => l.EnergyMicrojoules) + NodeMicrojoules;

    /// <summary>Dense-baseline energy per inference in µJ.</summary>
    public double DenseEnergyMicrojoules => Layers.Sum(l => l.DenseEnergyMicrojoules) + NodeMicrojoules;

    /// <summary>
    /// The dense and the pruned cycles per inference of the graph node named <paramref name="node"/>: a counted layer's,
    /// or a priced node's (the same in both); null for a node the estimate does not price.
    /// </summary>
    public (double Dense, double Pruned)? CyclesOf(string node)
    {
        if (Layers.FirstOrDefault(l => l.Layer == node) is { } layer)
        {
            return (layer.DenseCycles, layer.Cycles);
        }
        return Nodes.FirstOrDefault(n => n.Node == node && n.Priced) is { } other ? (other.Cycles, other.Cycles) : null;
    }

    private double NodeMicrojoules => NodeCycles * Costs.EnergyPerCycleNanojoules / 1000.0;

    /// <summary>Pruned-run time per inference in seconds at <see cref="CostTable.ClockHz"/>.</summary>
    public double Seconds => Cycles / Costs.ClockHz;

    /// <summary>Dense-baseline time per inference in seconds at <see cref="CostTable.ClockHz"/>.</summary>
    public double DenseSeconds => DenseCycles / Costs.ClockHz;

    /// <summary>Estimated speed-up, dense / pruned cycles (1 when both are 0, +infinity when only the pruned run is free).</summary>
    public double Speedup => Ratio(DenseCycles, Cycles);

    /// <summary>A one-line summary: target, cycles, energy and speed-up per inference.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Target}: {Cycles:0} cycles, {EnergyMicrojoules:0.###} µJ per inference (dense {DenseCycles:0} cycles, " +
        $"{DenseEnergyMicrojoules:0.###} µJ); speed-up {Speedup:0.###}x");

    internal static double Ratio(double dense, double pruned) =>
        pruned > 0 ? dense / pruned : dense > 0 ? double.PositiveInfinity : 1.0;
}
