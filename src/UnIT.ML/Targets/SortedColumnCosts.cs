namespace UnIT.ML.Targets;

/// <summary>
/// Measured cycles of a fully connected layer that the exported int16 C runs by sorted columns
/// (<see cref="UnIT.ML.Kernels.SortedColumnFullyConnected"/>), by the counts <see cref="UnIT.ML.Pruning.LayerStatistics"/> keeps
/// for it. A calibrated <see cref="CostTable"/> carries one because the columns test no weight: the tested loop's prices
/// (a test per weight) put such a layer far off. Immutable.
/// </summary>
public sealed record SortedColumnCosts
{
    /// <summary>Cycles per input scanned (<see cref="UnIT.ML.Pruning.LayerStatistics.ColumnInputs"/>): its read and zero test.</summary>
    public required double Input { get; init; }

    /// <summary>
    /// Cycles per nonzero input (<see cref="UnIT.ML.Pruning.LayerStatistics.ColumnThresholds"/>): its threshold's lookup and the
    /// search's setup, beyond the division the table prices apart.
    /// </summary>
    public required double Threshold { get; init; }

    /// <summary>Cycles per binary-search step (<see cref="UnIT.ML.Pruning.LayerStatistics.ColumnSearchSteps"/>).</summary>
    public required double SearchStep { get; init; }

    /// <summary>Cycles per output (<see cref="UnIT.ML.Pruning.LayerStatistics.ColumnOutputs"/>): the accumulator's bias and requantization.</summary>
    public required double Output { get; init; }

    /// <summary>Cycles per MAC run: the weight's neuron, the multiply and the saturating add.</summary>
    public required double Mac { get; init; }

    /// <summary>
    /// Cycles per true division (exact division's T/|x|, once per nonzero input), when measured apart; null charges the
    /// table's <see cref="CostTable.Division"/>.
    /// </summary>
    public double? Division { get; init; }

    /// <summary>Throws when a number is negative or not finite.</summary>
    /// <param name="device">The table's device, named in the message.</param>
    /// <exception cref="ArgumentException">Names the bad field and its value.</exception>
    public void Validate(string device)
    {
        Check(Input, nameof(Input));
        Check(Threshold, nameof(Threshold));
        Check(SearchStep, nameof(SearchStep));
        Check(Output, nameof(Output));
        Check(Mac, nameof(Mac));
        if (Division is { } division)
        {
            Check(division, nameof(Division));
        }

        void Check(double value, string field) => CostTable.CheckCost(device, "SortedColumns." + field, value);
    }
}
