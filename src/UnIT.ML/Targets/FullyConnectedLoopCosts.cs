namespace UnIT.ML.Targets;

/// <summary>
/// Measured cycles of a fully connected loop that tests each weight of a nonzero input, as the exported C runs it (int16 or
/// float32): the grouped loop (<see cref="CostTable.GroupedFullyConnected"/>: a threshold per neuron, looked up in a table by the
/// input's exponent) or the tested loop (<see cref="CostTable.TestedFullyConnected"/>: one threshold, looked up once per
/// nonzero input). The engine counts an approximator's work instead (what the method defines), so a calibrated
/// <see cref="CostTable"/> carries these prices and leaves that work out; only true divisions (exact division, which the C
/// runs too) stay priced as divisions. Immutable.
/// </summary>
public sealed record FullyConnectedLoopCosts
{
    /// <summary>Cycles per input scanned (<see cref="UnIT.ML.Pruning.LayerStatistics.ActivationReads"/>): its read and zero test.</summary>
    public required double Input { get; init; }

    /// <summary>
    /// Cycles per nonzero input (<see cref="UnIT.ML.Pruning.LayerStatistics.GroupedInputs"/> or
    /// <see cref="UnIT.ML.Pruning.LayerStatistics.TestedInputs"/>): its magnitude, its exponent, the threshold's lookup
    /// (the tested loop's) and the setup of its neurons' loop.
    /// </summary>
    public required double Lookup { get; init; }

    /// <summary>
    /// Cycles per weight tested (<see cref="UnIT.ML.Pruning.LayerStatistics.WeightReads"/>): the weight's read, its neuron's
    /// threshold's read (the grouped loop's) and the comparison.
    /// </summary>
    public required double Test { get; init; }

    /// <summary>
    /// Cycles per output (<see cref="UnIT.ML.Pruning.LayerStatistics.GroupedOutputs"/> or
    /// <see cref="UnIT.ML.Pruning.LayerStatistics.TestedOutputs"/>): the accumulator's bias and (int16) requantization.
    /// </summary>
    public required double Output { get; init; }

    /// <summary>Cycles per MAC run: the multiply and the (int16: saturating) add.</summary>
    public required double Mac { get; init; }

    /// <summary>
    /// Cycles per true division in the loop (exact division's T/|x|, <see cref="UnIT.ML.Division.DivisionOps.Divisions"/>), when
    /// measured apart; null charges the table's <see cref="CostTable.Division"/>.
    /// </summary>
    public double? Division { get; init; }

    /// <summary>Throws when a number is negative or not finite.</summary>
    /// <param name="device">The table's device, named in the message.</param>
    /// <param name="name">The table's property holding these prices, named in the message.</param>
    /// <exception cref="ArgumentException">Names the bad field and its value.</exception>
    public void Validate(string device, string name)
    {
        Check(Input, nameof(Input));
        Check(Lookup, nameof(Lookup));
        Check(Test, nameof(Test));
        Check(Output, nameof(Output));
        Check(Mac, nameof(Mac));
        if (Division is { } division)
        {
            Check(division, nameof(Division));
        }

        void Check(double value, string field) => CostTable.CheckCost(device, name + "." + field, value);
    }
}
