namespace UnIT.ML.Division.Tests;

[TestClass]
public sealed class BitShiftDivisionTests
{
    [TestMethod]
    public void Float_reading_rounds_the_control_term_down_to_a_power_of_two()
    {
        var approx = new BitShiftDivision();
        var ops = default(DivisionOps);

        // e(0.3) = -2, so the threshold is 1 * 2^2.
        float t = approx.Threshold(1f, 0.3f, ref ops);

        Assert.AreEqual(4f, t);
        Assert.AreEqual(1, ops.Computations);
        Assert.AreEqual(4, ops.Shifts);
        Assert.AreEqual(3, ops.Comparisons);
        Assert.AreEqual(0, ops.Divisions);
    }

    [TestMethod]
    [DataRow(1f, 5f, 0.25f)]      // e(5) = 2
    [DataRow(3f, 1f, 3f)]         // e(1) = 0
    [DataRow(3f, 1.99f, 3f)]      // e(1.99) = 0
    [DataRow(0.5f, 0.125f, 4f)]   // e(0.125) = -3
    [DataRow(0f, 0.3f, 0f)]
    public void Float_reading_matches_hand_computed_values(float threshold, float control, float expected)
    {
        var ops = default(DivisionOps);

        float t = new BitShiftDivision().Threshold(threshold, control, ref ops);

        Assert.AreEqual(expected, t);
    }

    [TestMethod]
    public void Float_reading_reads_subnormal_exponents_exactly()
    {
        float control = float.Epsilon * 5; // 5 * 2^-149: e = -149 + 2 = -147
        var ops = default(DivisionOps);

        float t = new BitShiftDivision().Threshold(1e-40f, control, ref ops);

        Assert.AreEqual(MathF.ScaleB(1e-40f, 147), t);
        Assert.AreEqual(2 * 147, ops.Shifts);
        Assert.AreEqual(148, ops.Comparisons);
    }

    [TestMethod]
    public void Integer_reading_matches_hand_computed_value()
    {
        var ops = default(DivisionOps);

        // 5 -> 2 -> 1: two shifts, so 100 >> 2.
        int t = new BitShiftDivision().Threshold(100, 5, ref ops);

        Assert.AreEqual(25, t);
        Assert.AreEqual(1, ops.Computations);
        Assert.AreEqual(4, ops.Shifts);
        Assert.AreEqual(3, ops.Comparisons);
    }

    [TestMethod]
    public void Integer_reading_equals_shift_by_floor_log2_for_every_int16_magnitude()
    {
        var approx = new BitShiftDivision();
        int[] thresholds = [0, 1, 7, 1000, 32767, 1 << 20, int.MaxValue];
        foreach (int threshold in thresholds)
        {
            for (int c = 1; c <= 32767; c++)
            {
                var ops = default(DivisionOps);

                int t = approx.Threshold(threshold, c, ref ops);

                int n = ShiftCount(c);
                Assert.AreEqual(threshold >> n, t, $"T={threshold}, c={c}");
                Assert.AreEqual(2 * n, ops.Shifts, $"c={c}");
                Assert.AreEqual(n + 1, ops.Comparisons, $"c={c}");
            }
        }
    }

    // The device loop itself: shift c right until it is 1, counting the shifts.
    private static int ShiftCount(int c)
    {
        int n = 0;
        for (int v = c; v > 1; v >>= 1)
        {
            n++;
        }
        return n;
    }

    [TestMethod]
    public void Starting_shift_count_caps_the_threshold_of_small_control_terms()
    {
        var approx = new BitShiftDivision(3);
        var small = default(DivisionOps);
        var large = default(DivisionOps);

        int tSmall = approx.Threshold(1024, 5, ref small);   // e(5) = 2 < 3, so n = 3
        int tLarge = approx.Threshold(1024, 100, ref large); // e(100) = 6, so n = 6

        Assert.AreEqual(128, tSmall);
        Assert.AreEqual(16, tLarge);
        Assert.AreEqual(6, small.Shifts);       // 3 pre-shifts + 3 to apply
        Assert.AreEqual(1, small.Comparisons);  // only the final loop test
        Assert.AreEqual(12, large.Shifts);      // 3 pre-shifts + 3 loop + 6 to apply
        Assert.AreEqual(4, large.Comparisons);  // 3 loop steps + final test
    }

    [TestMethod]
    public void Starting_shift_count_in_the_float_reading_uses_max_of_s_and_e()
    {
        var approx = new BitShiftDivision(-1);
        var ops = default(DivisionOps);

        float capped = approx.Threshold(1f, 0.1f, ref ops);    // e = -4 < -1, so n = -1
        float free = approx.Threshold(1f, 3f, ref ops);        // e = 1

        Assert.AreEqual(2f, capped);
        Assert.AreEqual(0.5f, free);
        Assert.AreEqual(-1, approx.StartingShiftCount);
        Assert.AreEqual("bitshift(start=-1)", approx.ToString());
    }

    [TestMethod]
    public void Starting_shift_count_zero_leaves_the_integer_reading_unchanged()
    {
        var plain = new BitShiftDivision();
        var zero = new BitShiftDivision(0);
        for (int c = 1; c < 5000; c += 7)
        {
            var a = default(DivisionOps);
            var b = default(DivisionOps);

            Assert.AreEqual(plain.Threshold(12345, c, ref a), zero.Threshold(12345, c, ref b));
            Assert.AreEqual(a.Shifts, b.Shifts);
            Assert.AreEqual(a.Comparisons, b.Comparisons);
        }
    }

    [TestMethod]
    public void Out_of_range_starting_shift_count_throws()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new BitShiftDivision(200));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new BitShiftDivision(-150));
    }

    [TestMethod]
    public void Large_shift_counts_give_zero_not_a_wrapped_shift()
    {
        var ops = default(DivisionOps);

        int t = new BitShiftDivision(40).Threshold(int.MaxValue, 3, ref ops);

        Assert.AreEqual(0, t);
    }
}
