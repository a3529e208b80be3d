namespace UnIT.ML.Division;

/// <summary>Creates division approximators by their report / command-line names.</summary>
public static class DivisionApproximators
{
    /// <summary>The valid names, in the order reports list them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["exact", "bitshift", "binarytree", "bitmask"];

    /// <summary>
    /// Creates the approximator named <paramref name="name"/> (case-insensitive, surrounding spaces ignored)
    /// with its default settings: <see cref="ExactDivision"/>, <see cref="BitShiftDivision"/> (no starting shift),
    /// <see cref="BinaryTreeDivision"/> (default balanced pivots) or <see cref="BitMaskDivision"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">When <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException">When the name is none of <see cref="Names"/>; the message lists them.</exception>
    public static IDivisionApproximator Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "exact" => new ExactDivision(),
            "bitshift" => new BitShiftDivision(),
            "binarytree" => new BinaryTreeDivision(),
            "bitmask" => new BitMaskDivision(),
            _ => throw new ArgumentException(
                $"Unknown division approximator '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>
    /// Checks the two non-default division settings against the divisions they would apply to: a starting shift
    /// needs bitshift among <paramref name="divisions"/> and must be a float exponent; a calibrated tree needs binarytree.
    /// </summary>
    /// <param name="bitShiftStartingShift">The starting shift count, or null for none.</param>
    /// <param name="calibrateBinaryTree">Whether the binary tree is calibrated.</param>
    /// <param name="divisions">The division names the settings would apply to.</param>
    /// <param name="shiftName">The setting's name in messages (an option name, say, for a command line).</param>
    /// <param name="treeName">The calibrated-tree setting's name in messages.</param>
    /// <exception cref="ArgumentException">When a setting has no division to apply to, or the shift is out of range; names the setting.</exception>
    public static void CheckSettings(int? bitShiftStartingShift, bool calibrateBinaryTree, IEnumerable<string> divisions,
        string shiftName = "BitShiftStartingShift", string treeName = "CalibrateBinaryTree")
    {
        string[] names = divisions.ToArray();
        string used = string.Join(", ", names.Distinct());
        if (bitShiftStartingShift is int shift)
        {
            if (shift < FloatExponent.MinExponent || shift > FloatExponent.MaxExponent)
            {
                throw new ArgumentOutOfRangeException(shiftName, shift, $"{shiftName} must be in [{FloatExponent.MinExponent}, {FloatExponent.MaxExponent}].");
            }
            if (!names.Contains("bitshift"))
            {
                throw new ArgumentException($"{shiftName} applies to the bitshift division, which is not among the divisions used ({used}).", shiftName);
            }
        }
        if (calibrateBinaryTree && !names.Contains("binarytree"))
        {
            throw new ArgumentException($"{treeName} applies to the binarytree division, which is not among the divisions used ({used}).", treeName);
        }
    }
}
