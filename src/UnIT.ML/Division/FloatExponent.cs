using System.Numerics;

namespace UnIT.ML.Division;

/// <summary>Exact <c>e(v) = floor(log2 v)</c> of IEEE-754 single and int32 magnitudes, read from their bits.</summary>
internal static class FloatExponent
{
    /// <summary>Bias of the float32 exponent field.</summary>
    public const int Bias = 127;

    /// <summary>Smallest e(v) of a positive float32: the least subnormal is 2^-149.</summary>
    public const int MinExponent = -149;

    /// <summary>Largest e(v) of a finite float32.</summary>
    public const int MaxExponent = 127;

    /// <summary>floor(log2 |v|) for finite nonzero <paramref name="value"/>, subnormals included.</summary>
    public static int Floor(float value)
    {
        int bits = BitConverter.SingleToInt32Bits(value) & 0x7FFF_FFFF;
        int field = bits >>> 23;
        if (field != 0)
        {
            return field - Bias;
        }
        // Subnormal: value = m * 2^-149 with 0 < m < 2^23, so e = -149 + floor(log2 m).
        return MinExponent + BitOperations.Log2((uint)(bits & 0x7F_FFFF));
    }

    /// <summary>floor(log2 v) for <paramref name="value"/> &gt;= 1 (0 for 0).</summary>
    public static int Floor(int value) => BitOperations.Log2((uint)value);

    /// <summary><c>t &gt;&gt; n</c> for <c>n &gt;= 0</c>, 0 once <c>n &gt;= 31</c> (a non-negative int32 has no bits left).</summary>
    public static int ShiftRight(int t, int n) =>
        // C# masks shift counts to 5 bits, so large counts must be handled here.
        n >= 31 ? 0 : t >> n;
}
