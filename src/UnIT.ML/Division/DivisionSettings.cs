namespace UnIT.ML.Division;

/// <summary>
/// Everything needed to build the same <see cref="IDivisionApproximator"/> again: its name and the
/// parameters that are not defaults (BitShift's starting shift count, the exponent frequencies a
/// calibrated BinaryTree was weighted by). Saved with the thresholds, so a loaded model divides exactly
/// as the fitted one did. Plain data: serializes to and from JSON.
/// </summary>
public sealed record DivisionSettings
{
    /// <summary>The approximator's name: exact, bitshift, binarytree or bitmask.</summary>
    public string Name { get; init; } = "exact";

    /// <summary>BitShift only: the starting shift count s (n = max(s, e(C))); null for the plain approximator.</summary>
    public int? StartingShift { get; init; }

    /// <summary>
    /// BinaryTree only: control-term exponent to how often it was met on calibration data; the tree is
    /// weighted by them so that frequent exponents sit at shallow depth. Null for the default balanced tree.
    /// </summary>
    public Dictionary<int, long>? PivotWeights { get; init; }

    /// <summary>BinaryTree only: whether <see cref="PivotWeights"/> are exponents of integer (fixed-point) control terms.</summary>
    public bool IntegerPivots { get; init; }

    /// <summary>Builds the approximator these settings describe.</summary>
    /// <exception cref="ArgumentException">When the name is unknown or a parameter does not belong to the approximator or is out of range.</exception>
    public IDivisionApproximator Create()
    {
        IDivisionApproximator plain = DivisionApproximators.Create(Name);
        if (StartingShift is not null && plain is not BitShiftDivision)
        {
            throw new ArgumentException($"A starting shift count belongs to the bitshift approximator, not to '{plain.Name}'.");
        }
        if (PivotWeights is not null && plain is not BinaryTreeDivision)
        {
            throw new ArgumentException($"Calibrated pivots belong to the binarytree approximator, not to '{plain.Name}'.");
        }
        if (StartingShift is int s)
        {
            return new BitShiftDivision(s);
        }
        if (PivotWeights is { } weights)
        {
            return BinaryTreeDivision.Calibrated(weights, IntegerPivots);
        }
        return plain;
    }

    /// <summary>A one-line description for reports, e.g. <c>bitshift(start=2)</c>.</summary>
    public override string ToString() =>
        StartingShift is int s ? $"{Name}(start={s})" : PivotWeights is not null ? $"{Name}(calibrated pivots)" : Name;
}
