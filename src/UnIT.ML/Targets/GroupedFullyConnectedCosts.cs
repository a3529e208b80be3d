namespace UnIT.ML.Targets;

/// <summary>
/// Measured cycles of an int16 fully connected layer with a threshold per neuron (group-wise), which the exported C runs by
/// its grouped loop: a nonzero input's exponent is found once, and each weight is tested against its neuron's threshold,
/// looked up in a table. The engine counts an approximator's work per neuron and input instead (what the method defines), so
/// a calibrated <see cref="CostTable"/> carries these prices and leaves that work out; only true divisions (exact division,
/// which the C runs per test too) stay priced as divisions. Immutable.
/// </summary>
public sealed record GroupedFullyConnectedCosts
{
    /// <summary>Cycles per input scanned (<see cref="UnIT.ML.Pruning.LayerStatistics.ActivationReads"/>): its read and zero test.</summary>
    public required double Input { get; init; }

    /// <summary>
    /// Cycles per nonzero input (<see cref="UnIT.ML.Pruning.LayerStatistics.GroupedInputs"/>): its magnitude, its exponent and
    /// the setup of its neurons' loop.
    /// </summary>
    public required double Lookup { get; init; }

    /// <summary>
    /// Cycles per weight tested (<see cref="UnIT.ML.Pruning.LayerStatistics.WeightReads"/>): the weight's read, its neuron's
    /// threshold's read and the comparison.
    /// </summary>
    public required double Test { get; init; }

    /// <summary>Cycles per output (<see cref="UnIT.ML.Pruning.LayerStatistics.GroupedOutputs"/>): the accumulator's bias and requantization.</summary>
    public required double Output { get; init; }

    /// <summary>Cycles per MAC run: the multiply and the saturating add.</summary>
    public required double Mac { get; init; }

    /// <summary>Throws when a number is negative or not finite.</summary>
    /// <param name="device">The table's device, named in the message.</param>
    /// <exception cref="ArgumentException">Names the bad field and its value.</exception>
    public void Validate(string device)
    {
        Check(Input, nameof(Input));
        Check(Lookup, nameof(Lookup));
        Check(Test, nameof(Test));
        Check(Output, nameof(Output));
        Check(Mac, nameof(Mac));

        void Check(double value, string field) => CostTable.CheckCost(device, "GroupedFullyConnected." + field, value);
    }
}
