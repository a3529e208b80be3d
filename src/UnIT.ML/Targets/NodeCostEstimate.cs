namespace UnIT.ML.Targets;

/// <summary>
/// Estimated cost per inference of a node outside the prunable layers (activation, pooling, elementwise arithmetic,
/// reshape), priced per element by <see cref="CostTable.NodeCosts"/>. UnIT does not change it, so it is the same in the
/// pruned run and the dense baseline. Immutable.
/// </summary>
public sealed record NodeCostEstimate
{
    /// <summary>The node's name.</summary>
    public required string Node { get; init; }

    /// <summary>The key of its price (<see cref="CostModel.PriceKey"/>): its operator, e.g. <c>Relu</c> or <c>Sub(constant)</c>.</summary>
    public required string Op { get; init; }

    /// <summary>Elements it handles per sample (see <see cref="CostModel.ElementsPerSample"/>).</summary>
    public required long Elements { get; init; }

    /// <summary>Cycles per inference: <see cref="Elements"/> × its op's price; 0 when not <see cref="Priced"/>.</summary>
    public required double Cycles { get; init; }

    /// <summary>Whether the table prices its op; an unpriced node is left out of the estimate (0 cycles).</summary>
    public required bool Priced { get; init; }
}
