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
}
