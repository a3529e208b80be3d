using System.Diagnostics;

namespace UnIT.ML.Division;

/// <summary>
/// Bit-mask approximation for IEEE-754 targets (paper §2.2, equations 5-6): reads the exponent fields of
/// <c>T</c> and <c>|C|</c> with a shift and a mask, subtracts them, re-biases the difference and assembles
/// a float with a zero mantissa: <c>t = 2^(e(T) - e(C))</c>. No division. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// <para><b>Float reading</b>, step by step (each charged to <see cref="DivisionOps"/> as executed):
/// <c>fT = (bits(T) &gt;&gt; 23) &amp; 0xFF</c> (1 shift, 1 mask); if <c>fT == 0</c>, <c>T</c> is zero (or subnormal) and
/// the threshold is 0 (1 compare); <c>fC = (bits(|C|) &gt;&gt; 23) &amp; 0xFF</c> (1 shift, 1 mask);
/// <c>f = fT - fC + 127</c> (2 integer add/subtract steps, counted as mask ops); clamp (1 compare each):
/// <c>f &lt;= 0</c> (underflow: the result is below the smallest normal float) returns 0, so every nonzero
/// MAC of that control term runs; <c>f &gt;= 255</c> (overflow: the result is 2^128 or more) returns
/// <see cref="float.MaxValue"/>, so every MAC of that control term is skipped, as +infinity from exact division
/// would; otherwise <c>bits(t) = f &lt;&lt; 23</c> (1 shift). Full path: 3 shifts, 4 mask ops, 3 compares.</para>
/// <para>A subnormal <c>|C|</c> has exponent field 0 and so reads as <c>2^-127</c>, as the device's mask
/// reads it (the threshold is then smaller than <c>T / |C|</c>). For normal operands <c>field - 127 = e(v)</c> exactly.
/// The paper implements the field arithmetic with lookup tables; this version uses register operations only.</para>
/// <para><b>Integer reading</b> (the exponent-only reading for integer targets): <c>2^(e(t) - e(c))</c> in the
/// integer's units, that is <c>1 &lt;&lt; (e(t) - e(c))</c> when <c>e(t) &gt;= e(c)</c>, else 0; 0 when <c>t == 0</c>.
/// Ops as on a core with a count-leading-zeros instruction (Cortex-M4 <c>CLZ</c>):
/// <c>e(t) - e(c) = clz(c) - clz(t)</c> is 2 CLZ and 1 subtract (3 mask ops), plus the zero test and the sign
/// test (2 compares) and the final shift (1 shift).</para>
/// </remarks>
public sealed class BitMaskDivision : IDivisionApproximator
{
    private const int ExponentMask = 0xFF;
    private const int MantissaBits = 23;
    private const int Bias = 127;

    /// <inheritdoc />
    public string Name => "bitmask";

    /// <inheritdoc />
    public float Threshold(float threshold, float control, ref DivisionOps ops)
    {
        Debug.Assert(threshold >= 0f && control > 0f, "T must be non-negative and |C| positive.");
        ops.Computations++;
        int fieldT = (BitConverter.SingleToInt32Bits(threshold) >>> MantissaBits) & ExponentMask;
        ops.Shifts++;
        ops.MaskOps++;
        ops.Comparisons++;
        if (fieldT == 0)
        {
            return 0f;
        }
        int fieldC = (BitConverter.SingleToInt32Bits(control) >>> MantissaBits) & ExponentMask;
        ops.Shifts++;
        ops.MaskOps++;
        int field = fieldT - fieldC + Bias;
        ops.MaskOps += 2;
        ops.Comparisons++;
        if (field <= 0)
        {
            return 0f;
        }
        ops.Comparisons++;
        if (field >= ExponentMask)
        {
            return float.MaxValue;
        }
        ops.Shifts++;
        return BitConverter.Int32BitsToSingle(field << MantissaBits);
    }

    /// <inheritdoc />
    public int Threshold(int threshold, int control, ref DivisionOps ops)
    {
        Debug.Assert(threshold >= 0 && control > 0, "t must be non-negative and c positive.");
        ops.Computations++;
        ops.Comparisons++;
        if (threshold == 0)
        {
            return 0;
        }
        int difference = FloatExponent.Floor(threshold) - FloatExponent.Floor(control);
        ops.MaskOps += 3;
        ops.Comparisons++;
        if (difference < 0)
        {
            return 0;
        }
        ops.Shifts++;
        return 1 << difference;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
