using UnIT.ML.Division;

namespace UnIT.ML.Targets;

/// <summary>
/// A deployment target: its arithmetic, its default division approximator and its cost table
/// (docs/method.md, "Target profiles"). Immutable and thread-safe; <see cref="WithCosts"/> and
/// <see cref="WithDivision"/> return modified copies.
/// </summary>
public sealed class TargetProfile
{
    /// <summary>Creates a profile; the built-in ones are <see cref="Float32"/>, <see cref="Max78000"/> and <see cref="Msp430"/>.</summary>
    /// <param name="name">Short lower-case name used in reports and on the command line.</param>
    /// <param name="numerics">The arithmetic the target runs.</param>
    /// <param name="defaultDivision">The division approximator used unless another is chosen.</param>
    /// <param name="costs">The cycle and energy table; validated here.</param>
    /// <param name="description">One or two sentences for reports.</param>
    /// <exception cref="ArgumentException">When the name is blank or the cost table is invalid (<see cref="CostTable.Validate"/>).</exception>
    public TargetProfile(string name, NumericFormat numerics, IDivisionApproximator defaultDivision, CostTable costs, string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(defaultDivision);
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(description);
        if (!Enum.IsDefined(numerics))
        {
            throw new ArgumentOutOfRangeException(nameof(numerics), numerics, $"Unknown numeric format {numerics}.");
        }
        costs.Validate();
        Name = name;
        Numerics = numerics;
        DefaultDivision = defaultDivision;
        Costs = costs;
        Description = description;
    }

    /// <summary>Host float32 inference with exact division: the reference for every other profile. Costed with <see cref="CostTable.Float32Host"/>.</summary>
    public static TargetProfile Float32 { get; } = new(
        DefaultName, NumericFormat.Float32, new ExactDivision(), CostTable.Float32Host,
        "Host float32 arithmetic with exact division; the reference. Costed as a generic FPU microcontroller (the MAX78000 Cortex-M4F table).");

    /// <summary>MAX78000 (Arm Cortex-M4F): float32 arithmetic, <see cref="BitMaskDivision"/> by default, <see cref="CostTable.Max78000"/>.</summary>
    public static TargetProfile Max78000 { get; } = new(
        "max78000", NumericFormat.Float32, new BitMaskDivision(), CostTable.Max78000,
        "MAX78000 Arm Cortex-M4F with single-precision FPU at 100 MHz: float32 arithmetic, bit-mask division.");

    /// <summary>MSP430FR5994: int16 fixed point, <see cref="BitShiftDivision"/> by default (<see cref="BinaryTreeDivision"/> selectable), <see cref="CostTable.Msp430"/>.</summary>
    public static TargetProfile Msp430 { get; } = new(
        "msp430", NumericFormat.FixedPoint16, new BitShiftDivision(), CostTable.Msp430,
        "MSP430FR5994 16-bit microcontroller without FPU at 16 MHz: int16 fixed point emulated bit-exactly, bit-shift division.");

    /// <summary>The profile options and commands use when none is named: <see cref="Float32"/>, the reference.</summary>
    public const string DefaultName = "float32";

    /// <summary>The names <see cref="FromName"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["float32", "max78000", "msp430"];

    /// <summary>Short lower-case name (float32, max78000, msp430).</summary>
    public string Name { get; }

    /// <summary>The arithmetic the target runs.</summary>
    public NumericFormat Numerics { get; }

    /// <summary>The division approximator used unless another is chosen.</summary>
    public IDivisionApproximator DefaultDivision { get; }

    /// <summary>The cycle and energy table.</summary>
    public CostTable Costs { get; }

    /// <summary>One or two sentences for reports.</summary>
    public string Description { get; }

    /// <summary>The built-in profile named <paramref name="name"/> (case-insensitive, surrounding spaces ignored).</summary>
    /// <exception cref="ArgumentNullException">When <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException">When the name is none of <see cref="Names"/>; the message lists them.</exception>
    public static TargetProfile FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "float32" => Float32,
            "max78000" => Max78000,
            "msp430" => Msp430,
            _ => throw new ArgumentException(
                $"Unknown target profile '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>A copy of this profile with another cost table (validated).</summary>
    public TargetProfile WithCosts(CostTable costs) => new(Name, Numerics, DefaultDivision, costs, Description);

    /// <summary>A copy of this profile with another default division approximator (e.g. <see cref="BinaryTreeDivision"/> on the MSP430).</summary>
    public TargetProfile WithDivision(IDivisionApproximator division) => new(Name, Numerics, division, Costs, Description);

    /// <summary>The name, numerics and default approximator, e.g. "msp430 (FixedPoint16, bitshift)".</summary>
    public override string ToString() => $"{Name} ({Numerics}, {DefaultDivision.Name})";
}
