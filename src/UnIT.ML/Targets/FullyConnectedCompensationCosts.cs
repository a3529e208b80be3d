namespace UnIT.ML.Targets;

/// <summary>
/// Measured cycles of skip compensation in a fully connected layer (tested or grouped loop), on top of the loop's own prices:
/// a compensated skip adds its weight's constant (in int16 to its neuron's int32 sum, which is shifted into the product's Q
/// format and added to the accumulator once per row; in float32 to the output itself). Where a table has these prices they
/// replace <see cref="CostTable.Compensation"/> (fitted on convolutions) for such layers. Immutable.
/// </summary>
public sealed record FullyConnectedCompensationCosts
{
    /// <summary>Cycles per compensated skip (<see cref="UnIT.ML.Pruning.LayerStatistics.Compensations"/>): the constant's read and the sum's add.</summary>
    public required double Skip { get; init; }

    /// <summary>
    /// Cycles per input scanned (<see cref="UnIT.ML.Pruning.LayerStatistics.ActivationReads"/>) of such a layer: stepping its
    /// two rows of constants and choosing one by the input's sign, which the loop without compensation does not do.
    /// </summary>
    public required double Input { get; init; }

    /// <summary>
    /// Cycles per compensated output (<see cref="UnIT.ML.Pruning.LayerStatistics.CompensatedOutputs"/>): clearing its sum, shifting
    /// it (a bit at a time on the MSP430) and the saturating add.
    /// </summary>
    public required double Output { get; init; }

    /// <summary>
    /// Cycles per nonzero input of such a layer (<see cref="UnIT.ML.Pruning.LayerStatistics.TestedInputs"/> or
    /// <see cref="UnIT.ML.Pruning.LayerStatistics.GroupedInputs"/>) beyond the loop's <see cref="FullyConnectedLoopCosts.Lookup"/>: its
    /// row of constants and its sign.
    /// </summary>
    public required double Lookup { get; init; }

    /// <summary>Cycles per MAC run in such a layer beyond the loop's <see cref="FullyConnectedLoopCosts.Mac"/>: the longer loop body.</summary>
    public required double Mac { get; init; }

    /// <summary>Throws when a number is negative or not finite.</summary>
    /// <param name="device">The table's device, named in the message.</param>
    /// <exception cref="ArgumentException">Names the bad field and its value.</exception>
    public void Validate(string device)
    {
        CostTable.CheckCost(device, "FullyConnectedCompensation." + nameof(Skip), Skip);
        CostTable.CheckCost(device, "FullyConnectedCompensation." + nameof(Input), Input);
        CostTable.CheckCost(device, "FullyConnectedCompensation." + nameof(Output), Output);
        CostTable.CheckCost(device, "FullyConnectedCompensation." + nameof(Lookup), Lookup);
        CostTable.CheckCost(device, "FullyConnectedCompensation." + nameof(Mac), Mac);
    }
}
