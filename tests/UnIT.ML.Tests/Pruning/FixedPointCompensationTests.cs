using UnIT.ML.Kernels;
using UnIT.ML.Pruning;

namespace UnIT.ML.Tests.Pruning;

/// <summary>The int16 form of a fixed-point layer's skip-compensation constants, against the exact int32 rounding.</summary>
[TestClass]
public sealed class FixedPointCompensationTests
{
    [TestMethod]
    public void Constants_that_fit_in_int16_keep_shift_zero_and_round_as_the_product_format_does()
    {
        float[] constants = [0.001f, -0.0004f, 0.25f, 0f, 0f, -0.0031f, 0f, 0.0002f];

        FixedPointCompensation q = FixedPointCompensation.Quantize(constants, productBits: 16);

        Assert.AreEqual(0, q.Shift);
        CollectionAssert.AreEqual(Array.ConvertAll(constants, c => FixedPointMath.QuantizeWide(c, 16)), q.Added);
        Assert.IsTrue(q.HasNegativeHalf);
    }

    [TestMethod]
    [DataRow(26)]
    [DataRow(30)]
    public void The_shift_is_the_smallest_that_fits_the_largest_constant_and_each_loses_at_most_half_a_step(int productBits)
    {
        var random = new Random(11);
        float[] constants = Enumerable.Range(0, 200).Select(i => (float)((random.NextDouble() - 0.5) * Math.Pow(10, -1 - (i % 4)))).ToArray();

        FixedPointCompensation q = FixedPointCompensation.Quantize(constants, productBits);

        int largest = q.Values.Max(v => Math.Abs((int)v));
        Assert.IsLessThanOrEqualTo(short.MaxValue, largest);
        Assert.IsGreaterThan(short.MaxValue / 2, largest, "one shift less would not fit");
        int[] exact = Array.ConvertAll(constants, c => FixedPointMath.QuantizeWide(c, productBits));
        int[] added = q.Added;
        for (int i = 0; i < constants.Length; i++)
        {
            Assert.AreEqual(0, added[i] % (1 << q.Shift), "the engine adds value * 2^shift");
            Assert.IsLessThanOrEqualTo((1 << q.Shift) / 2 + 1, Math.Abs(added[i] - exact[i]), $"constant {i}");
        }
    }

    [TestMethod]
    public void A_layer_that_only_sees_positive_activations_has_no_negative_half()
    {
        FixedPointCompensation q = FixedPointCompensation.Quantize([0.5f, -0.25f, 0f, 0f], productBits: 20);

        Assert.IsFalse(q.HasNegativeHalf);
        CollectionAssert.AreEqual(new short[] { 0, 0 }, q.Values[2..]);
    }

    [TestMethod]
    public void Constants_beyond_int32_saturate_at_the_largest_shift()
    {
        FixedPointCompensation q = FixedPointCompensation.Quantize([1e12f, -1e12f], productBits: 24);

        Assert.AreEqual(FixedPointCompensation.MaxShift, q.Shift);
        CollectionAssert.AreEqual(new[] { short.MaxValue << 16, -short.MaxValue << 16 }, q.Added);
    }
}
