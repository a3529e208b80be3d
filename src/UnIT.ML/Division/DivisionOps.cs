namespace UnIT.ML.Division;

/// <summary>
/// Operations spent computing thresholds <c>t(T, |C|)</c>, by kind, so each target's cost table
/// can charge them. Mutable tally: kernels keep one per layer and add to it.
/// </summary>
public struct DivisionOps
{
    /// <summary>Threshold computations (one per control term where the threshold was computed).</summary>
    public long Computations;

    /// <summary>True divisions.</summary>
    public long Divisions;

    /// <summary>Single-bit shifts (BitShift's loop, exponent extraction).</summary>
    public long Shifts;

    /// <summary>Compare-and-branch steps (BitShift's loop test, BinaryTree's search steps).</summary>
    public long Comparisons;

    /// <summary>Bit mask / integer add-subtract steps on exponent fields (BitMask).</summary>
    public long MaskOps;

    /// <summary>Table lookups (memory reads of a precomputed table).</summary>
    public long TableLookups;

    /// <summary>Adds another tally to this one.</summary>
    public void Add(in DivisionOps other)
    {
        Computations += other.Computations;
        Divisions += other.Divisions;
        Shifts += other.Shifts;
        Comparisons += other.Comparisons;
        MaskOps += other.MaskOps;
        TableLookups += other.TableLookups;
    }
}
