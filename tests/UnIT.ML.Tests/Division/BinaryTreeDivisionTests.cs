namespace UnIT.ML.Division.Tests;

[TestClass]
public sealed class BinaryTreeDivisionTests
{
    [TestMethod]
    public void Float_reading_matches_hand_computed_value()
    {
        var ops = default(DivisionOps);

        // e(0.3) = -2: 1 * 2^2; the 40-pivot default tree answers in 5 or 6 compares, then 2 shifts.
        float t = new BinaryTreeDivision().Threshold(1f, 0.3f, ref ops);

        Assert.AreEqual(4f, t);
        Assert.AreEqual(1, ops.Computations);
        Assert.IsTrue(ops.Comparisons is 5 or 6, $"comparisons {ops.Comparisons}");
        Assert.AreEqual(2, ops.Shifts);
    }

    [TestMethod]
    public void Integer_reading_matches_hand_computed_value()
    {
        var ops = default(DivisionOps);

        int t = new BinaryTreeDivision().Threshold(100, 5, ref ops);

        Assert.AreEqual(25, t);
        Assert.AreEqual(4, ops.Comparisons); // 16 pivots: every search is 4 deep
        Assert.AreEqual(2, ops.Shifts);
    }

    [TestMethod]
    public void Float_reading_equals_bitshift_over_the_default_pivot_range()
    {
        var tree = new BinaryTreeDivision();
        var shift = new BitShiftDivision();
        var rng = new Random(3);
        for (int i = 0; i < 20000; i++)
        {
            // Magnitudes across 2^-24 .. 2^16, the default float pivots' coverage.
            float control = MathF.ScaleB((float)(1 + rng.NextDouble()), rng.Next(-24, 16));
            float threshold = (float)rng.NextDouble() * 10;
            var a = default(DivisionOps);
            var b = default(DivisionOps);

            Assert.AreEqual(shift.Threshold(threshold, control, ref a), tree.Threshold(threshold, control, ref b), $"C={control}");
        }
    }

    [TestMethod]
    public void Integer_reading_equals_bitshift_for_every_int16_magnitude()
    {
        var tree = new BinaryTreeDivision();
        var shift = new BitShiftDivision();
        for (int c = 1; c <= 32768; c++)
        {
            var a = default(DivisionOps);
            var b = default(DivisionOps);

            Assert.AreEqual(shift.Threshold(1_000_000, c, ref a), tree.Threshold(1_000_000, c, ref b), $"c={c}");
        }
    }

    [TestMethod]
    public void Values_outside_the_pivots_clamp_to_the_nearest_pivot()
    {
        var approx = new BinaryTreeDivision();
        var ops = default(DivisionOps);

        float tiny = approx.Threshold(1f, MathF.ScaleB(1f, -30), ref ops);  // clamps to 2^-24
        float huge = approx.Threshold(1f, MathF.ScaleB(1f, 20), ref ops);   // clamps to 2^15
        int bigInt = approx.Threshold(1 << 30, 1 << 20, ref ops);           // clamps to 2^15

        Assert.AreEqual(MathF.ScaleB(1f, 24), tiny);
        Assert.AreEqual(MathF.ScaleB(1f, -15), huge);
        Assert.AreEqual(1 << 15, bigInt);
    }

    [TestMethod]
    public void Calibrated_tree_is_no_deeper_on_average_than_the_balanced_tree_on_skewed_data()
    {
        // Most control terms near 2^-3, a thin tail elsewhere.
        var rng = new Random(5);
        float[] magnitudes = Enumerable.Range(0, 5000)
            .Select(i => MathF.ScaleB((float)(1 + rng.NextDouble()), i % 10 == 0 ? rng.Next(-20, 10) : -3))
            .ToArray();
        var balanced = new BinaryTreeDivision();

        BinaryTreeDivision calibrated = BinaryTreeDivision.Calibrated(magnitudes);

        double balancedDepth = balanced.FloatTree.AverageDepth(magnitudes);
        double calibratedDepth = calibrated.FloatTree.AverageDepth(magnitudes);
        Assert.IsTrue(calibratedDepth <= balancedDepth, $"calibrated {calibratedDepth}, balanced {balancedDepth}");
        Assert.IsTrue(calibratedDepth < 3, $"calibrated {calibratedDepth}");
        Assert.AreEqual(2, calibrated.FloatTree.Depth(-3)); // an inner leaf needs two cuts
    }

    [TestMethod]
    public void Calibrated_tree_still_equals_bitshift()
    {
        var rng = new Random(8);
        float[] magnitudes = Enumerable.Range(0, 2000).Select(_ => (float)rng.NextDouble() * 0.01f + 1e-6f).ToArray();
        BinaryTreeDivision calibrated = BinaryTreeDivision.Calibrated(magnitudes);
        var shift = new BitShiftDivision();
        foreach (float c in magnitudes.Concat([3f, 1000f, 1e-7f]))
        {
            var a = default(DivisionOps);
            var b = default(DivisionOps);

            Assert.AreEqual(shift.Threshold(0.5f, c, ref a), calibrated.Threshold(0.5f, c, ref b), $"C={c}");
        }
    }

    [TestMethod]
    public void Calibrated_integer_tree_puts_the_frequent_exponent_at_depth_two()
    {
        int[] magnitudes = [.. Enumerable.Repeat(300, 900), .. Enumerable.Range(1, 100)];

        BinaryTreeDivision calibrated = BinaryTreeDivision.Calibrated(magnitudes);

        Assert.AreEqual(2, calibrated.IntegerTree.Depth(8)); // e(300) = 8, an inner leaf: two cuts
        Assert.IsTrue(calibrated.IntegerTree.AverageDepth(magnitudes) < new BinaryTreeDivision().IntegerTree.AverageDepth(magnitudes));
        var ops = default(DivisionOps);
        Assert.AreEqual(1000 >> 8, calibrated.Threshold(1000, 300, ref ops));
        Assert.AreEqual(2, ops.Comparisons);
    }

    [TestMethod]
    public void Integer_tree_with_negative_pivots_is_rejected()
    {
        var floatTree = ExponentSearchTree.Balanced(-4, 4);

        Assert.ThrowsExactly<ArgumentException>(() => new BinaryTreeDivision(floatTree, floatTree));
    }
}
