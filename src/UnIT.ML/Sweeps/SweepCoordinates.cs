using System.Globalization;

namespace UnIT.ML.Sweeps;

/// <summary>
/// Where a <see cref="SweepPoint"/> sits in a <see cref="SweepGrid"/>: how its thresholds were made and
/// what it ran on. Immutable.
/// </summary>
public sealed record SweepCoordinates
{
    /// <summary>Baseline, UnIT or search.</summary>
    public required SweepPointKind Kind { get; init; }

    /// <summary>The calibration percentile p (0..100) of every layer for <see cref="SweepPointKind.Unit"/>; null otherwise.</summary>
    public double? Percentile { get; init; }

    /// <summary>The division approximator's name (exact, bitshift, binarytree, bitmask).</summary>
    public required string Division { get; init; }

    /// <summary>The target profile's name (float32, max78000, msp430).</summary>
    public required string Profile { get; init; }

    /// <summary>Whether thresholds are per output channel / neuron.</summary>
    public bool GroupWise { get; init; }

    /// <summary>Global magnitude-pruning sparsity (0..1) applied before UnIT; 0 is off.</summary>
    public double MagnitudeSparsity { get; init; }

    /// <summary>FATReLU tau of every Relu node; 0 is plain Relu.</summary>
    public float FatReluTau { get; init; }

    /// <summary>BitShift only: the starting shift count s (n = max(s, e(C))); null is plain BitShift.</summary>
    public int? BitShiftStartingShift { get; init; }

    /// <summary>Each layer's bias takes back, per output channel / neuron, the mean the pruning took on the calibration data (<see cref="Pruning.BiasCorrection"/>).</summary>
    public bool BiasCorrection { get; init; }

    /// <summary>Each MAC the threshold skips adds a constant calibrated for its weight (<see cref="Pruning.SkipCompensation"/>).</summary>
    public bool SkipCompensation { get; init; }

    /// <summary>The calibration samples the corrections are measured on (<see cref="Pruning.PruningOptions.CorrectionSamples"/>); null: all.</summary>
    public int? CorrectionSamples { get; init; }

    /// <summary>BinaryTree only: the pivot tree is weighted by the calibration data's control-term exponents.</summary>
    public bool CalibrateBinaryTree { get; init; }

    /// <summary>
    /// The curve this point belongs to, for legends and grouping: the points of one series differ only in
    /// the swept value (percentile for UnIT, sparsity or tau for the baselines), e.g. "UnIT exact (float32)".
    /// </summary>
    public string Series => Kind switch
    {
        SweepPointKind.Dense => $"dense ({Profile})",
        SweepPointKind.MagnitudePruning => $"magnitude pruning ({Profile})",
        SweepPointKind.FatRelu => $"FATReLU ({Profile})",
        SweepPointKind.Search => $"search {Division} ({Profile}){Modifiers}",
        _ => $"UnIT {Division} ({Profile}){Modifiers}",
    };

    /// <summary>A one-line description naming every coordinate that is set, e.g. "UnIT exact (float32) p=50".</summary>
    public override string ToString() => Kind switch
    {
        SweepPointKind.MagnitudePruning => Invariant($"{Series} s={MagnitudeSparsity:0.###}"),
        SweepPointKind.FatRelu => Invariant($"{Series} tau={FatReluTau:0.####}"),
        SweepPointKind.Unit => Invariant($"{Series} p={Percentile:0.###}"),
        _ => Series,
    };

    private string Modifiers =>
        (GroupWise ? " group-wise" : "")
        + (MagnitudeSparsity > 0 ? Invariant($" + magnitude {MagnitudeSparsity:0.###}") : "")
        + (FatReluTau > 0 ? Invariant($" + FATReLU {FatReluTau:0.####}") : "")
        + (BitShiftStartingShift is int s ? Invariant($" start {s}") : "")
        + (CalibrateBinaryTree ? " calibrated tree" : "")
        + (SkipCompensation ? " skip-compensated" : "")
        + (BiasCorrection ? " bias-corrected" : "");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
