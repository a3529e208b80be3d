using System.Diagnostics;

namespace UnIT.ML.Division;

/// <summary>
/// Binary-tree approximation for any number format (paper §2.2, Figure 4): finds <c>e(C)</c> by a binary
/// search of <c>|C|</c> over a sorted table of power-of-two pivots (an <see cref="ExponentSearchTree"/>),
/// then applies the same threshold as <see cref="BitShiftDivision"/>: <c>T / 2^n</c> (integer: <c>T &gt;&gt; n</c>).
/// When the pivots cover <c>e(C)</c> the result equals BitShift's; outside the table <c>n</c> clamps to the
/// nearest pivot. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// <para><b>Default pivots.</b> Integer reading: exponents 0..15 (16 pivots, every search 4 deep), which covers
/// every int16 magnitude 1..32768. Float reading: exponents -24..15 (40 pivots, depth 5 or 6), which covers
/// magnitudes from 2^-24 (about 6e-8, below the weights and activations of typical trained networks) up to
/// 65535; smaller magnitudes are treated as 2^-24 (a smaller threshold than BitShift's) and larger ones
/// as 2^15 (a larger one).</para>
/// <para><b>Ops.</b> One compare-and-branch per tree level visited (the leaf's depth), then <c>|n|</c>
/// single-bit shifts to apply the threshold, as on a core without a barrel shifter (MSP430, the target this
/// approximator is selectable for): <c>Comparisons = depth</c>, <c>Shifts = |n|</c>. The float reading is
/// charged the same way.</para>
/// <para><b>Calibration.</b> <see cref="Calibrated(IEnumerable{float})"/> and <see cref="Calibrated(IEnumerable{int})"/>
/// build a frequency-weighted tree from observed control-term magnitudes so that frequent exponents sit at
/// shallow depth (paper: "tree pivot points can be adapted via calibration").</para>
/// </remarks>
public sealed class BinaryTreeDivision : IDivisionApproximator
{
    /// <summary>Smallest pivot exponent of the default float tree.</summary>
    public const int DefaultFloatMinExponent = -24;

    /// <summary>Largest pivot exponent of the default float tree.</summary>
    public const int DefaultFloatMaxExponent = 15;

    /// <summary>Smallest pivot exponent of the default integer tree.</summary>
    public const int DefaultIntegerMinExponent = 0;

    /// <summary>Largest pivot exponent of the default integer tree.</summary>
    public const int DefaultIntegerMaxExponent = 15;

    private static readonly ExponentSearchTree s_defaultFloatTree =
        ExponentSearchTree.Balanced(DefaultFloatMinExponent, DefaultFloatMaxExponent);

    private static readonly ExponentSearchTree s_defaultIntegerTree =
        ExponentSearchTree.Balanced(DefaultIntegerMinExponent, DefaultIntegerMaxExponent);

    /// <summary>Creates the approximator with the default balanced trees (float -24..15, integer 0..15).</summary>
    public BinaryTreeDivision()
        : this(s_defaultFloatTree, s_defaultIntegerTree)
    {
    }

    /// <summary>Creates the approximator with the given search trees.</summary>
    /// <param name="floatTree">The tree of the float reading.</param>
    /// <param name="integerTree">The tree of the integer reading; its pivots must be in [0, 30].</param>
    /// <exception cref="ArgumentException">When <paramref name="integerTree"/> has a pivot outside [0, 30].</exception>
    public BinaryTreeDivision(ExponentSearchTree floatTree, ExponentSearchTree integerTree)
    {
        ArgumentNullException.ThrowIfNull(floatTree);
        ArgumentNullException.ThrowIfNull(integerTree);
        if (integerTree.MinExponent < 0 || integerTree.MaxExponent > 30)
        {
            throw new ArgumentException(
                $"Integer pivot exponents must be in [0, 30]; got {integerTree.MinExponent}..{integerTree.MaxExponent}.", nameof(integerTree));
        }
        FloatTree = floatTree;
        IntegerTree = integerTree;
    }

    /// <inheritdoc />
    public string Name => "binarytree";

    /// <summary>The search tree of the float reading.</summary>
    public ExponentSearchTree FloatTree { get; }

    /// <summary>The search tree of the integer reading.</summary>
    public ExponentSearchTree IntegerTree { get; }

    /// <summary>
    /// An approximator whose float tree is weighted by the exponents of the observed control-term magnitudes
    /// (zeros and non-finite values ignored). The pivots span the default float range widened to the observed
    /// exponents, so results equal BitShift's wherever the default tree's did; the integer tree is the default.
    /// </summary>
    public static BinaryTreeDivision Calibrated(IEnumerable<float> controlMagnitudes) =>
        Calibrated(ExponentSearchTree.ExponentFrequencies(controlMagnitudes), integer: false);

    /// <summary>
    /// An approximator whose integer tree is weighted by the exponents of the observed control-term magnitudes
    /// (zeros ignored). The pivots span 0..15 widened to the observed exponents (at most 30); the float tree is the default.
    /// </summary>
    public static BinaryTreeDivision Calibrated(IEnumerable<int> controlMagnitudes) =>
        Calibrated(ExponentSearchTree.ExponentFrequencies(controlMagnitudes), integer: true);

    /// <summary>
    /// An approximator whose float tree (or, with <paramref name="integer"/>, integer tree) is weighted by
    /// the given control-term exponent frequencies, as the two other overloads build it from magnitudes;
    /// the other tree is the default. Used to rebuild a calibrated tree from saved frequencies.
    /// </summary>
    public static BinaryTreeDivision Calibrated(IReadOnlyDictionary<int, long> exponentFrequencies, bool integer)
    {
        ArgumentNullException.ThrowIfNull(exponentFrequencies);
        IReadOnlyDictionary<int, long> counts = exponentFrequencies;
        if (integer)
        {
            int top = Math.Clamp(counts.Count == 0 ? 0 : counts.Keys.Max(), DefaultIntegerMaxExponent, 30);
            return new BinaryTreeDivision(s_defaultFloatTree, ExponentSearchTree.Weighted(counts, DefaultIntegerMinExponent, top));
        }
        int min = Math.Max(FloatExponent.MinExponent, Math.Min(DefaultFloatMinExponent, counts.Count == 0 ? 0 : counts.Keys.Min()));
        int max = Math.Min(FloatExponent.MaxExponent, Math.Max(DefaultFloatMaxExponent, counts.Count == 0 ? 0 : counts.Keys.Max()));
        return new BinaryTreeDivision(ExponentSearchTree.Weighted(counts, min, max), s_defaultIntegerTree);
    }

    /// <inheritdoc />
    public float Threshold(float threshold, float control, ref DivisionOps ops)
    {
        Debug.Assert(control > 0f && float.IsFinite(control), "The control term must be a positive finite magnitude.");
        int n = FloatTree.Find(FloatExponent.Floor(control), out int depth);
        ops.Computations++;
        ops.Comparisons += depth;
        ops.Shifts += Math.Abs(n);
        return MathF.ScaleB(threshold, -n);
    }

    /// <inheritdoc />
    public int Threshold(int threshold, int control, ref DivisionOps ops)
    {
        Debug.Assert(control > 0, "The control term must be a positive magnitude.");
        Debug.Assert(threshold >= 0, "The threshold must be non-negative.");
        int n = IntegerTree.Find(FloatExponent.Floor(control), out int depth);
        ops.Computations++;
        ops.Comparisons += depth;
        ops.Shifts += n;
        return FloatExponent.ShiftRight(threshold, n);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}(float: {FloatTree}; integer: {IntegerTree})";
}
