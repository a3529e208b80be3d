using UnIT.ML.Graph;
using UnIT.ML.Shift;

namespace UnIT.ML.Tests.Shift;

[TestClass]
public sealed class ImageShiftTests
{
    private static Tensor Ramp(int n = 3, int c = 1, int h = 8, int w = 8) =>
        new(new Shape(n, c, h, w), Enumerable.Range(0, n * c * h * w).Select(i => (i % 17) / 16f).ToArray());

    [TestMethod]
    public void Apply_SameSeedGivesTheSameImages_AnotherSeedOtherNoise_AndTheInputIsLeftAlone()
    {
        Tensor images = Ramp();
        float[] before = (float[])images.Data.Clone();

        Tensor a = ImageShift.Apply(images, ShiftKind.GaussianNoise, 0.2, seed: 7);
        Tensor b = ImageShift.Apply(images, ShiftKind.GaussianNoise, 0.2, seed: 7);
        Tensor c = ImageShift.Apply(images, ShiftKind.GaussianNoise, 0.2, seed: 8);

        CollectionAssert.AreEqual(a.Data, b.Data);
        CollectionAssert.AreNotEqual(a.Data, c.Data);
        CollectionAssert.AreEqual(before, images.Data);
        Assert.IsTrue(a.Data.All(v => v is >= 0f and <= 1f));
        // The noise has about the asked standard deviation where nothing was clamped.
        double[] diffs = a.Data.Zip(images.Data, (x, y) => (double)(x - y)).Where((d, i) => a.Data[i] is > 0f and < 1f).ToArray();
        double sd = Math.Sqrt(diffs.Select(d => d * d).Average());
        Assert.IsTrue(sd is > 0.12 and < 0.28, $"sd {sd}");
    }

    [TestMethod]
    public void Rotation_ByZeroIsTheIdentity_And90DegreesMovesACornerPixelToAnotherCorner()
    {
        Tensor images = Ramp(n: 1);
        var dot = new Tensor(new Shape(1, 1, 5, 5), new float[25]);
        dot.Data[0] = 1f; // top-left

        Tensor same = ImageShift.Apply(images, ShiftKind.Rotation, 0, seed: 1);
        Tensor turned = ImageShift.Apply(dot, ShiftKind.Rotation, 90, seed: 1);

        CollectionAssert.AreEqual(images.Data, same.Data);
        Assert.AreEqual(1f, turned.Data.Sum(), 1e-5f);
        int corner = Array.IndexOf(turned.Data, turned.Data.Max());
        CollectionAssert.Contains(new[] { 4, 20 }, corner);
    }

    [TestMethod]
    public void Brightness_Contrast_And_Occlusion_DoWhatTheySay()
    {
        var ones = new Tensor(new Shape(2, 2, 10, 10), Enumerable.Repeat(1f, 400).ToArray());
        Tensor images = Ramp(n: 1, h: 10, w: 10);

        Tensor bright = ImageShift.Apply(images, ShiftKind.Brightness, 0.25, seed: 1);
        Tensor flat = ImageShift.Apply(images, ShiftKind.Contrast, 0.5, seed: 1);
        Tensor occluded = ImageShift.Apply(ones, ShiftKind.Occlusion, 0.3, seed: 3);

        for (int i = 0; i < images.Data.Length; i++)
        {
            Assert.AreEqual(Math.Min(1f, images.Data[i] + 0.25f), bright.Data[i], 1e-6f);
        }
        Assert.AreEqual(images.Data.Average(), flat.Data.Average(), 1e-5);
        Assert.AreEqual(images.Data.Max() - images.Data.Min(), 2 * (flat.Data.Max() - flat.Data.Min()), 1e-5);
        // A 3x3 square per image, the same place in every channel.
        Assert.AreEqual(2 * 2 * 9, occluded.Data.Count(v => v == 0f));
        CollectionAssert.AreEqual(occluded.Data[..100], occluded.Data[100..200]);
    }

    [TestMethod]
    public void Apply_RefusesBadStrengthsAndShapes()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ImageShift.Apply(Ramp(), ShiftKind.Contrast, 1.5, 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ImageShift.Apply(Ramp(), ShiftKind.GaussianNoise, double.NaN, 1));
        Assert.ThrowsExactly<ArgumentException>(() => ImageShift.Apply(new Tensor(new Shape(2, 64), new float[128]), ShiftKind.Brightness, 0.1, 1));
        foreach (float bad in new[] { -0.25f, 1.5f, float.NaN })
        {
            Tensor images = Ramp();
            images.Data[^3] = bad;
            var refused = Assert.ThrowsExactly<ArgumentException>(() => ImageShift.Apply(images, ShiftKind.Rotation, 10, 1));
            StringAssert.Contains(refused.Message, $"Sample 2 has the value {bad.ToString(System.Globalization.CultureInfo.InvariantCulture)} at position 61");
        }
    }

    [TestMethod]
    public void Every_shift_of_raw_bytes_in_their_range_is_the_unit_range_shift_scaled()
    {
        Tensor unit = Ramp(n: 4, c: 2, h: 9, w: 7);
        var bytes = new Tensor(unit.Shape, unit.Data.Select(v => 255 * v).ToArray());
        var raw = new PixelRange(0, 255);

        foreach (ShiftKind kind in Enum.GetValues<ShiftKind>())
        {
            double strength = ImageShift.DefaultStrengths(kind)[1];
            Tensor expected = ImageShift.Apply(unit, kind, strength, seed: 5);
            Tensor shifted = ImageShift.Apply(bytes, kind, strength, seed: 5, raw);

            for (int i = 0; i < expected.Data.Length; i++)
            {
                Assert.AreEqual(255 * expected.Data[i], shifted.Data[i], 1e-3f, $"{kind} at {i}");
            }
        }
    }

    [TestMethod]
    public void Rotation_and_occlusion_fill_with_the_ranges_black_and_noise_stays_inside_it()
    {
        var range = new PixelRange(-2, 3);
        var grey = new Tensor(new Shape(2, 1, 10, 10), Enumerable.Repeat(0.5f, 200).ToArray());

        Tensor occluded = ImageShift.Apply(grey, ShiftKind.Occlusion, 0.3, seed: 3, range);
        Tensor turned = ImageShift.Apply(grey, ShiftKind.Rotation, 45, seed: 3, range);
        Tensor noisy = ImageShift.Apply(grey, ShiftKind.GaussianNoise, 2, seed: 3, range);

        Assert.AreEqual(2 * 9, occluded.Data.Count(v => v == -2f));
        Assert.AreEqual(-2f, turned.Data[0], 1e-6f, "a corner rotated 45 degrees comes from outside the image");
        Assert.IsTrue(noisy.Data.All(range.Contains));
        Assert.IsTrue(noisy.Data.Any(v => v == -2f) && noisy.Data.Any(v => v == 3f), "a sigma of twice the range clips at both ends");
    }

    [TestMethod]
    public void Raw_bytes_under_the_default_range_are_refused_with_the_range_to_give()
    {
        var bytes = new Tensor(new Shape(1, 1, 4, 4), Enumerable.Range(0, 16).Select(i => (float)(16 * i)).ToArray());

        string problem = ImageShift.PixelProblem(bytes)!;

        StringAssert.Contains(problem, "Sample 0 has the value 16 at position 1");
        StringAssert.Contains(problem, "--pixel-range 0:255");
        Assert.IsNull(ImageShift.PixelProblem(bytes, range: new PixelRange(0, 255)));
        Assert.ThrowsExactly<ArgumentException>(() => ImageShift.Apply(bytes, ShiftKind.Brightness, 0.1, 1, new PixelRange(1, 1)));
        Assert.ThrowsExactly<ArgumentException>(() => new ShiftOptions { PixelRange = new PixelRange(0, float.NaN) }.Validate());
    }
}
