namespace UnIT.ML.Kernels;

/// <summary>
/// Integer helpers of the fixed-point (MSP430) emulation: power-of-two Q formats, int16 values,
/// int32 accumulators with saturation. A value v in Q(f) is stored as round(v * 2^f).
/// </summary>
public static class FixedPointMath
{
    /// <summary>The fewest fractional bits a Q format may have.</summary>
    public const int MinFractionBits = -8;

    /// <summary>The most fractional bits a Q format may have.</summary>
    public const int MaxFractionBits = 24;

    /// <summary>Largest number of fractional bits f such that <paramref name="maxAbs"/> * 2^f fits in int16 (clamped to [-8, 24]).</summary>
    public static int FractionBitsFor(float maxAbs)
    {
        if (!(maxAbs > 0f) || float.IsInfinity(maxAbs))
        {
            return 15;
        }
        int f = (int)Math.Floor(Math.Log2(short.MaxValue / (double)maxAbs));
        return Math.Clamp(f, MinFractionBits, MaxFractionBits);
    }

    /// <summary>round(v * 2^f) saturated to int16 (round half away from zero).</summary>
    public static short Quantize(double v, int fractionBits)
    {
        double scaled = Math.Round(ScaleB(v, fractionBits), MidpointRounding.AwayFromZero);
        return (short)Math.Clamp(scaled, short.MinValue, short.MaxValue);
    }

    /// <summary>round(v * 2^f) saturated to int32.</summary>
    public static int QuantizeWide(double v, int fractionBits)
    {
        double scaled = Math.Round(ScaleB(v, fractionBits), MidpointRounding.AwayFromZero);
        return (int)Math.Clamp(scaled, int.MinValue, int.MaxValue);
    }

    /// <summary>The real value of <paramref name="q"/> in Q(f); exact in float32 for int16 values.</summary>
    public static float Dequantize(int q, int fractionBits) =>
        // q * 2^-f with 2^-f a float is one correctly rounded product, as ScaleB is, and several times cheaper.
        fractionBits is >= -126 and <= 126 ? q * BitConverter.Int32BitsToSingle((127 - fractionBits) << 23) : MathF.ScaleB(q, -fractionBits);

    /// <summary>v * 2^f: a multiplication by the exact power of two (one correctly rounded result, as Math.ScaleB gives) where 2^f is a double.</summary>
    private static double ScaleB(double v, int f) =>
        f is >= -1022 and <= 1023 ? v * BitConverter.Int64BitsToDouble((long)(f + 1023) << 52) : Math.ScaleB(v, f);

    /// <summary>a + b saturated to int32, as a saturating accumulator does.</summary>
    public static int SaturatingAdd(int a, int b)
    {
        long s = (long)a + b;
        return s > int.MaxValue ? int.MaxValue : s < int.MinValue ? int.MinValue : (int)s;
    }

    /// <summary>v · 2^<paramref name="shift"/> (0 to 31) saturated to int32, as the exported C scales a sum of skip-compensation constants.</summary>
    public static int SaturatingShiftLeft(int v, int shift)
    {
        long s = (long)v << shift;
        return s > int.MaxValue ? int.MaxValue : s < int.MinValue ? int.MinValue : (int)s;
    }

    /// <summary>
    /// Moves an int32 accumulator to int16 by an arithmetic shift right of <paramref name="shift"/> bits
    /// with round-half-up (left when negative), saturating to int16.
    /// </summary>
    public static short Requantize(int acc, int shift)
    {
        long v = acc;
        if (shift > 0)
        {
            v = (v + (1L << (shift - 1))) >> shift;
        }
        else if (shift < 0)
        {
            v <<= Math.Min(-shift, 32);
        }
        return (short)Math.Clamp(v, short.MinValue, short.MaxValue);
    }
}
