using System.Diagnostics;

namespace UnIT.ML.Division;

/// <summary>
/// Bit-shift approximation for fixed-point / integer targets (paper §2.2, Figure 3): shift <c>|C|</c>
/// right until it is 1, counting <c>n</c> shifts, so <c>n = e(C) = floor(log2 |C|)</c>; the threshold
/// is <c>T &gt;&gt; n = T / 2^e(C)</c>. Rounding <c>|C|</c> down to a power of two makes the threshold
/// up to twice <c>T / |C|</c>, so it skips more MACs than exact division. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// <para><b>Integer reading.</b> <c>t &gt;&gt; floor(log2 c)</c> for <c>c &gt;= 1</c> (0 when the count reaches 31).
/// Ops charged as the device loop runs it on a core without a barrel shifter (MSP430: one bit per
/// <c>RRA</c>): <c>n</c> single-bit shifts of <c>C</c> and <c>n + 1</c> compare-and-branch steps for the loop
/// (<c>n</c> passing tests and the final one), plus <c>n</c> single-bit shifts to apply <c>T &gt;&gt; n</c>:
/// <c>Shifts = 2n</c>, <c>Comparisons = n + 1</c>.</para>
/// <para><b>Float reading.</b> <c>T / 2^e(C)</c> with <c>e(C)</c> read exactly from the IEEE-754 bits (subnormals
/// included) and the result scaled by a power of two (<see cref="MathF.ScaleB"/>); for <c>|C| &lt; 1</c>,
/// <c>e(C)</c> is negative and the threshold grows: <c>T * 2^-e(C)</c>. The result overflows to
/// +infinity exactly where <c>T / |C|</c> would. Ops are charged as the integer loop would run
/// with <c>|e(C)|</c> steps: <c>Shifts = 2|e(C)|</c>, <c>Comparisons = |e(C)| + 1</c>.</para>
/// <para><b>Starting shift count <c>s</c></b> (paper: "the shift count can be initialized from a nonzero
/// value for coarser estimation"). This project's reading: the loop starts with the count at <c>s</c> and
/// <c>C</c> already shifted by <c>s</c>, so <c>n = max(s, e(C))</c>. Every control magnitude below
/// <c>2^(s+1)</c> gets the same threshold <c>T / 2^s</c>: the threshold is capped at <c>T * 2^-s</c> and the
/// thresholds of small control terms collapse into one value (fewer MACs with a small control term are
/// skipped than without the cap). Larger magnitudes are unaffected. Ops: <c>|s|</c> shifts for the
/// pre-shift, then <c>n - s</c> loop steps (one shift and one compare each) and a final compare, then
/// <c>|n|</c> shifts to apply. The integer reading uses <c>max(s, 0)</c>, since <c>e(c) &gt;= 0</c> there.</para>
/// </remarks>
public sealed class BitShiftDivision : IDivisionApproximator
{
    /// <summary>Creates the plain approximator (no starting shift count: <c>n = e(C)</c>).</summary>
    public BitShiftDivision()
    {
    }

    /// <summary>Creates a coarsened approximator whose shift count starts at <paramref name="startingShiftCount"/>: <c>n = max(s, e(C))</c>.</summary>
    /// <param name="startingShiftCount">The starting count <c>s</c>, in [-149, 127] (the range of <c>e</c> over finite floats).</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="startingShiftCount"/> is outside [-149, 127].</exception>
    public BitShiftDivision(int startingShiftCount)
    {
        if (startingShiftCount < FloatExponent.MinExponent || startingShiftCount > FloatExponent.MaxExponent)
        {
            throw new ArgumentOutOfRangeException(nameof(startingShiftCount), startingShiftCount,
                $"The starting shift count ({startingShiftCount}) must be in [{FloatExponent.MinExponent}, {FloatExponent.MaxExponent}].");
        }
        StartingShiftCount = startingShiftCount;
    }

    /// <inheritdoc />
    public string Name => "bitshift";

    /// <summary>The starting shift count <c>s</c>, or null for the plain approximator.</summary>
    public int? StartingShiftCount { get; }

    /// <inheritdoc />
    public float Threshold(float threshold, float control, ref DivisionOps ops)
    {
        Debug.Assert(control > 0f && float.IsFinite(control), "The control term must be a positive finite magnitude.");
        int e = FloatExponent.Floor(control);
        int n;
        if (StartingShiftCount is int s)
        {
            n = Math.Max(s, e);
            int steps = n - s;
            ops.Shifts += Math.Abs(s) + steps + Math.Abs(n);
            ops.Comparisons += steps + 1;
        }
        else
        {
            // The count walks from 0 toward e in either direction: left shifts for |C| < 1.
            n = e;
            ops.Shifts += 2L * Math.Abs(e);
            ops.Comparisons += Math.Abs(e) + 1;
        }
        ops.Computations++;
        return MathF.ScaleB(threshold, -n);
    }

    /// <inheritdoc />
    public int Threshold(int threshold, int control, ref DivisionOps ops)
    {
        Debug.Assert(control > 0, "The control term must be a positive magnitude.");
        Debug.Assert(threshold >= 0, "The threshold must be non-negative.");
        int s = Math.Max(StartingShiftCount ?? 0, 0);
        // Same count as shifting c right until it is 1 (or 0 after the pre-shift), without the loop.
        int n = Math.Max(s, FloatExponent.Floor(control));
        ops.Computations++;
        ops.Shifts += 2L * n;
        ops.Comparisons += n - s + 1;
        return FloatExponent.ShiftRight(threshold, n);
    }

    /// <inheritdoc />
    public override string ToString() => StartingShiftCount is int s ? $"{Name}(start={s})" : Name;
}
