namespace UnIT.ML.Division.Tests;

[TestClass]
public sealed class BitMaskDivisionTests
{
    [TestMethod]
    public void Float_reading_is_two_to_the_exponent_difference()
    {
        var ops = default(DivisionOps);

        // e(0.75) = -1, e(3) = 1: 2^-2.
        float t = new BitMaskDivision().Threshold(0.75f, 3f, ref ops);

        Assert.AreEqual(0.25f, t);
        Assert.AreEqual(1, ops.Computations);
        Assert.AreEqual(3, ops.Shifts);
        Assert.AreEqual(4, ops.MaskOps);
        Assert.AreEqual(3, ops.Comparisons);
        Assert.AreEqual(0, ops.Divisions);
    }

    [TestMethod]
    [DataRow(1f, 0.3f, 4f)]          // 0 - (-2)
    [DataRow(10f, 0.01f, 1024f)]     // 3 - (-7)
    [DataRow(0.001f, 100f, 1f / 65536f)] // -10 - 6
    public void Float_reading_matches_hand_computed_values(float threshold, float control, float expected)
    {
        var ops = default(DivisionOps);

        float t = new BitMaskDivision().Threshold(threshold, control, ref ops);

        Assert.AreEqual(expected, t);
    }

    [TestMethod]
    public void Zero_threshold_gives_zero()
    {
        var ops = default(DivisionOps);

        float t = new BitMaskDivision().Threshold(0f, 3f, ref ops);

        Assert.AreEqual(0f, t);
        Assert.AreEqual(1, ops.Shifts);
        Assert.AreEqual(1, ops.MaskOps);
        Assert.AreEqual(1, ops.Comparisons);
    }

    [TestMethod]
    public void Underflow_clamps_to_zero()
    {
        var ops = default(DivisionOps);

        // 2^-100 / 2^100 = 2^-200 is below the smallest normal float.
        float t = new BitMaskDivision().Threshold(MathF.ScaleB(1f, -100), MathF.ScaleB(1f, 100), ref ops);

        Assert.AreEqual(0f, t);
        Assert.AreEqual(2, ops.Comparisons);
        Assert.AreEqual(2, ops.Shifts);
    }

    [TestMethod]
    public void Overflow_clamps_to_max_value()
    {
        var ops = default(DivisionOps);

        // 2^100 / 2^-100 = 2^200 is beyond float.
        float t = new BitMaskDivision().Threshold(MathF.ScaleB(1f, 100), MathF.ScaleB(1f, -100), ref ops);

        Assert.AreEqual(float.MaxValue, t);
        Assert.AreEqual(3, ops.Comparisons);
        Assert.AreEqual(2, ops.Shifts);
    }

    [TestMethod]
    public void Subnormal_control_reads_as_exponent_minus_127()
    {
        var ops = default(DivisionOps);

        float t = new BitMaskDivision().Threshold(MathF.ScaleB(1f, -100), float.Epsilon * 8, ref ops);

        Assert.AreEqual(MathF.ScaleB(1f, 27), t);
    }

    [TestMethod]
    public void Float_reading_equals_exponent_difference_over_normal_values()
    {
        var rng = new Random(11);
        var approx = new BitMaskDivision();
        for (int i = 0; i < 10000; i++)
        {
            float threshold = MathF.ScaleB((float)(1 + rng.NextDouble()), rng.Next(-40, 20));
            float control = MathF.ScaleB((float)(1 + rng.NextDouble()), rng.Next(-40, 20));
            var ops = default(DivisionOps);

            float t = approx.Threshold(threshold, control, ref ops);

            int d = MathF.ILogB(threshold) - MathF.ILogB(control);
            Assert.AreEqual(MathF.ScaleB(1f, d), t, $"T={threshold}, C={control}");
        }
    }

    [TestMethod]
    [DataRow(100, 5, 16)]   // e(100) = 6, e(5) = 2
    [DataRow(7, 7, 1)]
    [DataRow(5, 100, 0)]    // negative difference
    [DataRow(0, 3, 0)]
    public void Integer_reading_is_the_exponent_only_ratio(int threshold, int control, int expected)
    {
        var ops = default(DivisionOps);

        int t = new BitMaskDivision().Threshold(threshold, control, ref ops);

        Assert.AreEqual(expected, t);
    }

    [TestMethod]
    public void Integer_reading_tallies_clz_subtract_and_shift()
    {
        var ops = default(DivisionOps);

        new BitMaskDivision().Threshold(100, 5, ref ops);

        Assert.AreEqual(1, ops.Computations);
        Assert.AreEqual(3, ops.MaskOps);
        Assert.AreEqual(2, ops.Comparisons);
        Assert.AreEqual(1, ops.Shifts);
    }
}
