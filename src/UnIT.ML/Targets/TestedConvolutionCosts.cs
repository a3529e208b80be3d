namespace UnIT.ML.Targets;

/// <summary>
/// Measured cycles of a convolution that the exported C runs by its tested loop (no sorted lists, e.g. stride 2: each
/// nonzero weight tests every in-bounds operand of its output rows), by the counts <see cref="UnIT.ML.Pruning.LayerStatistics"/>
/// keeps for it. A calibrated <see cref="CostTable"/> carries one because that loop's test, reached through a strided pointer,
/// costs several times the fully connected loop's that the table's <see cref="CostTable.CompareBranch"/> was fitted on. Immutable.
/// </summary>
public sealed record TestedConvolutionCosts
{
    /// <summary>Cycles per operand test the loop runs (<see cref="UnIT.ML.Pruning.LayerStatistics.LoopTests"/>).</summary>
    public required double Test { get; init; }

    /// <summary>Cycles per output row the loop runs (<see cref="UnIT.ML.Pruning.LayerStatistics.LoopRows"/>): the row's pointers and loop.</summary>
    public required double Row { get; init; }

    /// <summary>Cycles per output row looked through for the rows a kernel row reaches (<see cref="UnIT.ML.Pruning.LayerStatistics.RowSearches"/>).</summary>
    public required double RowSearch { get; init; }

    /// <summary>Cycles per weight (<see cref="UnIT.ML.Pruning.LayerStatistics.WeightReads"/>): its threshold and the call.</summary>
    public required double Weight { get; init; }

    /// <summary>Cycles per output (<see cref="UnIT.ML.Pruning.LayerStatistics.ConvOutputs"/>): the accumulator's bias and requantization.</summary>
    public required double Output { get; init; }

    /// <summary>Cycles per MAC run, beyond its test.</summary>
    public required double Mac { get; init; }

    /// <summary>Throws when a number is negative or not finite.</summary>
    /// <param name="device">The table's device, named in the message.</param>
    /// <exception cref="ArgumentException">Names the bad field and its value.</exception>
    public void Validate(string device)
    {
        Check(Test, nameof(Test));
        Check(Row, nameof(Row));
        Check(RowSearch, nameof(RowSearch));
        Check(Weight, nameof(Weight));
        Check(Output, nameof(Output));
        Check(Mac, nameof(Mac));

        void Check(double value, string field) => CostTable.CheckCost(device, "TestedConvolutions." + field, value);
    }
}
