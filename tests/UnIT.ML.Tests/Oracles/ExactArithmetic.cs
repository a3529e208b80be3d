using System.Numerics;

namespace UnIT.ML.Tests.Oracles;

/// <summary>
/// Exact integer arithmetic for oracles, written from the definitions with <see cref="BigInteger"/> and never from the
/// code under test: the exact value of a binary floating-point number, rounding of exact rationals, saturation.
/// </summary>
internal static class ExactArithmetic
{
    /// <summary><paramref name="v"/> (finite) as mantissa * 2^exponent, read from its IEEE-754 bits.</summary>
    public static (BigInteger Mantissa, int Exponent) Decompose(double v)
    {
        long bits = BitConverter.DoubleToInt64Bits(v);
        bool negative = bits < 0;
        int biased = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xF_FFFF_FFFF_FFFFL;
        if (biased == 0x7FF)
        {
            throw new ArgumentException($"{v} is not finite.", nameof(v));
        }
        // Normal numbers have the implicit leading 1; subnormals have the exponent of the smallest normal.
        long mantissa = biased == 0 ? fraction : fraction | (1L << 52);
        int exponent = (biased == 0 ? 1 : biased) - 1075;
        return (negative ? -mantissa : mantissa, exponent);
    }

    /// <summary>floor(a / 2^s) for s &gt;= 0, rounding toward negative infinity for negative a as well.</summary>
    public static BigInteger FloorDivPow2(BigInteger a, int s)
    {
        BigInteger d = BigInteger.Pow(2, s);
        BigInteger q = BigInteger.DivRem(a, d, out BigInteger r);
        return r.Sign < 0 ? q - 1 : q;
    }

    /// <summary>round(<paramref name="v"/> * 2^f), halves away from zero, exactly.</summary>
    public static BigInteger RoundHalfAwayFromZero(double v, int f)
    {
        (BigInteger m, int e) = Decompose(v);
        int s = e + f;
        if (s >= 0)
        {
            return m * BigInteger.Pow(2, s);
        }
        BigInteger magnitude = BigInteger.Abs(m);
        BigInteger d = BigInteger.Pow(2, -s);
        BigInteger q = BigInteger.DivRem(magnitude, d, out BigInteger r);
        if (2 * r >= d)
        {
            q += 1;
        }
        return m.Sign < 0 ? -q : q;
    }

    /// <summary>round(a / 2^s) with halves rounded up (toward positive infinity) for s &gt;= 0; a * 2^-s for s &lt; 0.</summary>
    public static BigInteger RoundHalfUpShift(BigInteger a, int s) =>
        s >= 0 ? FloorDivPow2(2 * a + BigInteger.Pow(2, s), s + 1) : a * BigInteger.Pow(2, -s);

    /// <summary><paramref name="v"/> clamped to [lo, hi].</summary>
    public static long Saturate(BigInteger v, long lo, long hi) => v < lo ? lo : v > hi ? hi : (long)v;

    /// <summary>floor(log2 c) for c &gt; 0, by shifting c right until it is 1 and counting the shifts (method.md's BitShift).</summary>
    public static int ShiftsToOne(long c)
    {
        int n = 0;
        while (c > 1)
        {
            c >>= 1;
            n++;
        }
        return n;
    }
}
