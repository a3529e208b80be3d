using System.Numerics;
using UnIT.ML.Kernels;

namespace UnIT.ML.Tests.Oracles;

/// <summary>
/// <see cref="FixedPointMath"/> against values worked by hand and against exact <see cref="BigInteger"/> oracles
/// (<see cref="ExactArithmetic"/>) built from the documented definitions: Q(f) stores round(v * 2^f), halves away from
/// zero, saturated to int16 (int32 for the wide form); accumulators add with int32 saturation; requantization shifts
/// right with round-half-up (left for a negative shift) and saturates to int16; the Q format of a range is the largest
/// f with maxAbs * 2^f &lt;= 32767, clamped to [-8, 24].
/// </summary>
[TestClass]
public sealed class FixedPointMathOracleTests
{
    [TestMethod]
    [DataRow(0.5f, 0, 1, DisplayName = "0.5 -> 1 (half away from zero)")]
    [DataRow(-0.5f, 0, -1, DisplayName = "-0.5 -> -1")]
    [DataRow(1.5f, 0, 2, DisplayName = "1.5 -> 2")]
    [DataRow(2.5f, 0, 3, DisplayName = "2.5 -> 3, not to even")]
    [DataRow(-2.5f, 0, -3, DisplayName = "-2.5 -> -3")]
    [DataRow(0.25f, 1, 1, DisplayName = "0.25 in Q1 = 0.5 -> 1")]
    [DataRow(0.3f, 4, 5, DisplayName = "0.3 in Q4 = 4.8 -> 5")]
    [DataRow(-0.3f, 4, -5, DisplayName = "-0.3 in Q4 -> -5")]
    [DataRow(0.999f, 15, 32735, DisplayName = "0.999 in Q15 = 32735.2 -> 32735")]
    [DataRow(1f, 15, 32767, DisplayName = "1 in Q15 = 32768 saturates to 32767")]
    [DataRow(-1f, 15, -32768, DisplayName = "-1 in Q15 = -32768 fits")]
    [DataRow(-1.5f, 15, -32768, DisplayName = "-1.5 in Q15 saturates to -32768")]
    [DataRow(3f, -1, 2, DisplayName = "3 in Q-1 = 1.5 -> 2")]
    [DataRow(-3f, -1, -2, DisplayName = "-3 in Q-1 -> -2")]
    [DataRow(100000f, 0, 32767, DisplayName = "100000 saturates")]
    [DataRow(-100000f, 0, -32768, DisplayName = "-100000 saturates")]
    [DataRow(1e-6f, 10, 0, DisplayName = "1e-6 in Q10 -> 0")]
    [DataRow(0f, 24, 0, DisplayName = "0 -> 0")]
    public void Quantize_rounds_half_away_from_zero_and_saturates_to_int16(float v, int f, int expected)
    {
        Assert.AreEqual((short)expected, FixedPointMath.Quantize(v, f));
    }

    [TestMethod]
    public void Quantize_matches_the_exact_oracle_on_random_values_and_exact_halves()
    {
        var rng = new Random(1);
        for (int i = 0; i < 20000; i++)
        {
            int f = rng.Next(-8, 25);
            float v = i % 2 == 0
                // Random magnitudes around the int16 range of Q(f).
                ? (float)((rng.NextDouble() * 2 - 1) * Math.Pow(2, rng.Next(-4, 18) - f))
                // Exact halves k + 1/2 in Q(f): the rounding direction decides the result.
                : (float)Math.ScaleB(rng.Next(-40000, 40000) + 0.5, -f);
            long expected = ExactArithmetic.Saturate(ExactArithmetic.RoundHalfAwayFromZero(v, f), short.MinValue, short.MaxValue);
            Assert.AreEqual(expected, FixedPointMath.Quantize(v, f), $"Quantize({v:R}, {f})");
        }
    }

    [TestMethod]
    [DataRow(0.5, 0, 1)]
    [DataRow(-2.5, 0, -3)]
    [DataRow(0.1, 30, 107374182, DisplayName = "0.1 in Q30 = 107374182.4 -> 107374182")]
    [DataRow(2.0, 30, int.MaxValue, DisplayName = "2 in Q30 = 2^31 saturates")]
    [DataRow(-2.0, 30, int.MinValue, DisplayName = "-2 in Q30 = -2^31 fits")]
    [DataRow(-3.0, 30, int.MinValue, DisplayName = "-3 in Q30 saturates")]
    public void QuantizeWide_rounds_half_away_from_zero_and_saturates_to_int32(double v, int f, int expected)
    {
        Assert.AreEqual(expected, FixedPointMath.QuantizeWide(v, f));
    }

    [TestMethod]
    public void QuantizeWide_matches_the_exact_oracle_on_random_values_and_exact_halves()
    {
        var rng = new Random(2);
        for (int i = 0; i < 20000; i++)
        {
            int f = rng.Next(0, 40);
            double v = i % 2 == 0
                ? (rng.NextDouble() * 2 - 1) * Math.Pow(2, rng.Next(-4, 34) - f)
                : Math.ScaleB(rng.NextInt64(-3_000_000_000L, 3_000_000_000L) + 0.5, -f);
            long expected = ExactArithmetic.Saturate(ExactArithmetic.RoundHalfAwayFromZero(v, f), int.MinValue, int.MaxValue);
            Assert.AreEqual(expected, FixedPointMath.QuantizeWide(v, f), $"QuantizeWide({v:R}, {f})");
        }
    }

    [TestMethod]
    [DataRow(int.MaxValue, 1, int.MaxValue)]
    [DataRow(int.MaxValue, int.MaxValue, int.MaxValue)]
    [DataRow(int.MinValue, -1, int.MinValue)]
    [DataRow(int.MinValue, int.MinValue, int.MinValue)]
    [DataRow(int.MaxValue, int.MinValue, -1)]
    [DataRow(int.MaxValue - 5, 5, int.MaxValue)]
    [DataRow(-7, 3, -4)]
    public void SaturatingAdd_saturates_to_int32(int a, int b, int expected)
    {
        Assert.AreEqual(expected, FixedPointMath.SaturatingAdd(a, b));
    }

    [TestMethod]
    public void SaturatingAdd_matches_the_exact_oracle_on_random_pairs()
    {
        var rng = new Random(3);
        for (int i = 0; i < 20000; i++)
        {
            // Half the pairs near the ends of the range, where saturation happens.
            int a = i % 2 == 0 ? rng.Next(int.MinValue, int.MaxValue) : (rng.Next(2) == 0 ? int.MinValue + rng.Next(1000) : int.MaxValue - rng.Next(1000));
            int b = rng.Next(int.MinValue, int.MaxValue);
            long expected = ExactArithmetic.Saturate(new BigInteger(a) + b, int.MinValue, int.MaxValue);
            Assert.AreEqual(expected, FixedPointMath.SaturatingAdd(a, b), $"{a} + {b}");
        }
    }

    [TestMethod]
    [DataRow(3, 1, 2, DisplayName = "1.5 -> 2 (half up)")]
    [DataRow(-3, 1, -1, DisplayName = "-1.5 -> -1 (half up, not away from zero)")]
    [DataRow(5, 2, 1, DisplayName = "1.25 -> 1")]
    [DataRow(6, 2, 2, DisplayName = "1.5 -> 2")]
    [DataRow(-6, 2, -1, DisplayName = "-1.5 -> -1")]
    [DataRow(-7, 2, -2, DisplayName = "-1.75 -> -2")]
    [DataRow(100000, 0, 32767, DisplayName = "shift 0 saturates")]
    [DataRow(-100000, 0, -32768, DisplayName = "shift 0 saturates below")]
    [DataRow(int.MaxValue, 16, 32767, DisplayName = "(2^31 - 1) / 2^16 = 32767.99998 -> 32768 saturates")]
    [DataRow(int.MinValue, 16, -32768, DisplayName = "-2^31 / 2^16 = -32768")]
    [DataRow(-1, 31, 0, DisplayName = "-2^-31 -> 0")]
    [DataRow(int.MinValue, 31, -1, DisplayName = "-2^31 / 2^31 = -1")]
    [DataRow(int.MinValue, 32, 0, DisplayName = "-1/2 -> 0 (half up)")]
    [DataRow(int.MaxValue, 40, 0, DisplayName = "a shift past the accumulator width")]
    [DataRow(-5, -3, -40, DisplayName = "negative shift multiplies by 8")]
    [DataRow(5000, -3, 32767, DisplayName = "negative shift saturates")]
    [DataRow(1, -40, 32767, DisplayName = "a left shift past the width saturates")]
    [DataRow(-1, -40, -32768, DisplayName = "a left shift past the width saturates below")]
    [DataRow(0, -40, 0, DisplayName = "zero stays zero")]
    public void Requantize_rounds_half_up_and_saturates_to_int16(int acc, int shift, int expected)
    {
        Assert.AreEqual((short)expected, FixedPointMath.Requantize(acc, shift));
    }

    [TestMethod]
    public void Requantize_matches_the_exact_oracle_on_random_accumulators_and_shifts()
    {
        var rng = new Random(4);
        for (int i = 0; i < 20000; i++)
        {
            int shift = rng.Next(-20, 41);
            // A third anywhere in int32; the rest near the int16 range once shifted, half of those exact halves.
            long near = rng.NextInt64(-40000, 40000) * (1L << Math.Clamp(shift, 0, 30));
            if (i % 3 == 1 && shift > 0)
            {
                near += 1L << Math.Min(shift - 1, 30);
            }
            int acc = i % 3 == 0 ? rng.Next(int.MinValue, int.MaxValue) : (int)Math.Clamp(near, int.MinValue, int.MaxValue);
            long expected = ExactArithmetic.Saturate(ExactArithmetic.RoundHalfUpShift(acc, shift), short.MinValue, short.MaxValue);
            Assert.AreEqual(expected, FixedPointMath.Requantize(acc, shift), $"Requantize({acc}, {shift})");
        }
    }

    [TestMethod]
    [DataRow(1f, 14, DisplayName = "1 * 2^14 = 16384 fits, 1 * 2^15 = 32768 does not")]
    [DataRow(0.5f, 15)]
    [DataRow(0.9999f, 15, DisplayName = "0.9999 * 2^15 = 32764.7 fits")]
    [DataRow(2f, 13)]
    [DataRow(32767f, 0)]
    [DataRow(32768f, -1)]
    [DataRow(65534f, -1, DisplayName = "65534 / 2 = 32767 fits exactly")]
    [DataRow(65535f, -2)]
    [DataRow(3.0517578e-5f, 24, DisplayName = "2^-15: 2^24 * 2^-15 = 512; clamped to 24")]
    [DataRow(1e9f, -8, DisplayName = "1e9 needs Q-15; clamped to -8")]
    public void FractionBitsFor_is_the_largest_q_format_that_fits_in_int16(float maxAbs, int expected)
    {
        Assert.AreEqual(expected, FixedPointMath.FractionBitsFor(maxAbs));
    }

    [TestMethod]
    public void FractionBitsFor_matches_the_exact_oracle_on_random_ranges_and_boundaries()
    {
        var rng = new Random(5);
        for (int i = 0; i < 20000; i++)
        {
            int f = rng.Next(-8, 25);
            float maxAbs = (i % 3) switch
            {
                0 => (float)(rng.NextDouble() * Math.Pow(2, rng.Next(-10, 24))),
                // Exactly 32767 * 2^-f, and its float neighbours: the boundary between f and f - 1.
                1 => (float)Math.ScaleB(32767.0, -f),
                _ => rng.Next(2) == 0 ? MathF.BitIncrement((float)Math.ScaleB(32767.0, -f)) : MathF.BitDecrement((float)Math.ScaleB(32767.0, -f)),
            };
            if (maxAbs <= 0f)
            {
                continue;
            }
            Assert.AreEqual(LargestFittingQ(maxAbs), FixedPointMath.FractionBitsFor(maxAbs), $"FractionBitsFor({maxAbs:R})");
        }
    }

    [TestMethod]
    public void Scaling_by_a_power_of_two_matches_ScaleB_on_normal_subnormal_and_extreme_values()
    {
        // Quantize and Dequantize multiply by 2^f instead of calling ScaleB: both round once, so they must agree everywhere.
        var rng = new Random(11);
        int[] fs = [-1100, -1022, -200, -126, -40, -8, -1, 0, 1, 15, 24, 40, 126, 127, 1023, 1100];
        for (int i = 0; i < 20000; i++)
        {
            double v = BitConverter.Int64BitsToDouble(rng.NextInt64());
            v = double.IsNaN(v) ? 0 : v;
            float fv = BitConverter.Int32BitsToSingle(rng.Next(int.MinValue, int.MaxValue));
            fv = float.IsNaN(fv) ? 0 : fv;
            int f = i % 3 == 0 ? fs[rng.Next(fs.Length)] : rng.Next(-30, 31);
            foreach (double x in new[] { v, fv, fv * 1e-40, (double)rng.Next(-70000, 70000) / 7 })
            {
                double scaled = Math.Round(Math.ScaleB(x, f), MidpointRounding.AwayFromZero);
                Assert.AreEqual((short)Math.Clamp(scaled, short.MinValue, short.MaxValue), FixedPointMath.Quantize(x, f), $"Quantize({x:R}, {f})");
                Assert.AreEqual((int)Math.Clamp(scaled, int.MinValue, int.MaxValue), FixedPointMath.QuantizeWide(x, f), $"QuantizeWide({x:R}, {f})");
            }
            int q = i % 2 == 0 ? rng.Next(short.MinValue, short.MaxValue + 1) : rng.Next(int.MinValue, int.MaxValue);
            Assert.AreEqual(MathF.ScaleB(q, -f), FixedPointMath.Dequantize(q, f), $"Dequantize({q}, {f})");
        }
    }

    /// <summary>The largest f in [-8, 24] with maxAbs * 2^f &lt;= 32767, compared exactly; -8 when none fits.</summary>
    private static int LargestFittingQ(float maxAbs)
    {
        (BigInteger m, int e) = ExactArithmetic.Decompose(maxAbs);
        for (int f = 24; f >= -8; f--)
        {
            // m * 2^s <= 32767, in integers on both sides.
            int s = e + f;
            if (s >= 0 ? m * BigInteger.Pow(2, s) <= 32767 : m <= 32767 * BigInteger.Pow(2, -s))
            {
                return f;
            }
        }
        return -8;
    }
}
