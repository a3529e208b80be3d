namespace UnIT.Export;

/// <summary>What <see cref="CExporter"/> generates.</summary>
public sealed record CExportOptions
{
    /// <summary>
    /// Generate the dense variant: every MAC of every prunable layer runs (no zero or threshold tests), from the same
    /// generator and with the same numerics, so that dense and pruned builds compare like for like. Its outputs equal
    /// the pruned engine's at T = 0, since the MACs it adds have a zero operand.
    /// </summary>
    public bool Dense { get; init; }
}
