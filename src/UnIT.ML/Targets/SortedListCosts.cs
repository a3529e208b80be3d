namespace UnIT.ML.Targets;

/// <summary>
/// Measured cycles of a sorted-list convolution's work (<see cref="UnIT.ML.Kernels.SortedListConvolution"/>), by the counts
/// <see cref="UnIT.ML.Pruning.LayerStatistics"/> keeps for it. A calibrated <see cref="CostTable"/> carries one so that such a
/// layer is priced by what its lists cost, which depends on how many activations are nonzero, instead of by a test per operand
/// its threshold skips. Immutable.
/// </summary>
public sealed record SortedListCosts
{
    /// <summary>Cycles per input activation scanned for the lists (<see cref="UnIT.ML.Pruning.LayerStatistics.ListScans"/>).</summary>
    public required double Scan { get; init; }

    /// <summary>Cycles per nonzero activation listed (<see cref="UnIT.ML.Pruning.LayerStatistics.ListEntries"/>).</summary>
    public required double Entry { get; init; }

    /// <summary>Cycles per unit of sorting work (<see cref="UnIT.ML.Pruning.LayerStatistics.ListSortWork"/>).</summary>
    public required double SortWork { get; init; }

    /// <summary>Cycles per weight (<see cref="UnIT.ML.Pruning.LayerStatistics.WeightReads"/>): its zero test, threshold and the prefix's setup.</summary>
    public required double Weight { get; init; }

    /// <summary>Cycles per binary-search step (<see cref="UnIT.ML.Pruning.LayerStatistics.ListSearchSteps"/>).</summary>
    public required double SearchStep { get; init; }

    /// <summary>Cycles per list entry walked for MACs (<see cref="UnIT.ML.Pruning.LayerStatistics.ListWalked"/>): its place looked up, output or not.</summary>
    public required double Walk { get; init; }

    /// <summary>Cycles per MAC run from a list, beyond its entry's <see cref="Walk"/>.</summary>
    public required double Mac { get; init; }

    /// <summary>
    /// Cycles per output of the layer (<see cref="UnIT.ML.Pruning.LayerStatistics.ConvOutputs"/>): its accumulator's place
    /// cleared and its requantization, which scale with the output channels where the scan scales with the input ones.
    /// </summary>
    public required double Output { get; init; }

    /// <summary>Cycles per entry walked past a weight's prefix for skip compensation (<see cref="UnIT.ML.Pruning.LayerStatistics.ListTailWalked"/>), beyond the constant's add (<see cref="CostTable.Compensation"/>).</summary>
    public required double TailWalk { get; init; }

    /// <summary>Throws when a number is negative or not finite.</summary>
    /// <param name="device">The table's device, named in the message.</param>
    /// <exception cref="ArgumentException">Names the bad field and its value.</exception>
    public void Validate(string device)
    {
        Check(Scan, nameof(Scan));
        Check(Output, nameof(Output));
        Check(Entry, nameof(Entry));
        Check(SortWork, nameof(SortWork));
        Check(Weight, nameof(Weight));
        Check(SearchStep, nameof(SearchStep));
        Check(Walk, nameof(Walk));
        Check(Mac, nameof(Mac));
        Check(TailWalk, nameof(TailWalk));

        void Check(double value, string field) => CostTable.CheckCost(device, "SortedLists." + field, value);
    }
}
