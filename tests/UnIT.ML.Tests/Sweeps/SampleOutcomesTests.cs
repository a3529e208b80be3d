using UnIT.ML.Graph;
using UnIT.ML.Sweeps;

namespace UnIT.ML.Tests.Sweeps;

[TestClass]
public sealed class SampleOutcomesTests
{
    // Four samples, two classes, labels 0, 0, 1, 1. Dense: right, right, wrong, right.
    private static readonly int[] Labels = [0, 0, 1, 1];
    private static readonly float[] Dense = [2, 0, 1, 0, 3, 0, 0, 2];

    [TestMethod]
    public void Measure_CountsLostAndGainedPerHalf()
    {
        // Pruned: sample 0 lost, sample 1 unchanged, sample 2 gained, sample 3 lost.
        SampleOutcomes outcomes = SampleOutcomes.Measure(Dense, Labels, [[0, 1], [1, 0], [0, 5], [2, 1]]);

        Assert.AreEqual(0.25, outcomes.Drop(null), 1e-12, "two lost, one gained of four");
        Assert.AreEqual(0.0, outcomes.Drop(0), 1e-12, "even samples 0 and 2: one lost, one gained");
        Assert.AreEqual(0.5, outcomes.Drop(1), 1e-12, "odd samples 1 and 3: one lost");
        // Paired SE: sqrt(b + c - (b - c)^2 / n) / n.
        Assert.AreEqual(Math.Sqrt(3 - 1.0 / 4) / 4, outcomes.StandardError(null), 1e-12);
        Assert.AreEqual(Math.Sqrt(1 - 1.0 / 2) / 2, outcomes.StandardError(1), 1e-12);
        Assert.AreEqual(0.75, outcomes.Damage(SearchDamage.TopChanges, null), 1e-12, "samples 0, 2 and 3 change class");
        Assert.AreEqual(outcomes.Drop(null), outcomes.Damage(SearchDamage.AccuracyDrop, null), 1e-12);
    }

    [TestMethod]
    public void Measure_ProbabilityDropIsTheMeanFallOfTheTrueClassSoftmax()
    {
        // Sample 0 keeps its class but loses confidence; the others are unchanged.
        SampleOutcomes outcomes = SampleOutcomes.Measure(Dense, Labels, [[1, 0], [1, 0], [3, 0], [0, 2]]);

        double before = 1 / (1 + Math.Exp(-2)), after = 1 / (1 + Math.Exp(-1));
        Assert.AreEqual(0.0, outcomes.Drop(null), 1e-12, "no top-1 change");
        Assert.AreEqual(0.0, outcomes.Damage(SearchDamage.TopChanges, null), 1e-12);
        Assert.AreEqual((before - after) / 4, outcomes.Damage(SearchDamage.ProbabilityDrop, null), 1e-6);
        Assert.AreEqual((before - after) / 2, outcomes.Damage(SearchDamage.ProbabilityDrop, 0), 1e-6);
        Assert.AreEqual(0.0, outcomes.Damage(SearchDamage.ProbabilityDrop, 1), 1e-6);
    }

    [TestMethod]
    public void WithOriginals_TakesAnImageAndItsCopiesAsOneClusterAndOneHalf()
    {
        // Samples 0 and 2 are image 0 and its copy, 1 and 3 image 1 and its copy: image 0 loses both, image 1 nothing.
        SampleOutcomes outcomes = SampleOutcomes.Measure(Dense, [0, 0, 0, 0], [[0, 1], [1, 0], [0, 1], [0, 2]])
            .WithOriginals(2);

        Assert.AreEqual(0.5, outcomes.Drop(null), 1e-12);
        Assert.AreEqual(1.0, outcomes.Drop(0), 1e-12, "image 0 with its copy");
        Assert.AreEqual(0.0, outcomes.Drop(1), 1e-12, "image 1 with its copy");
        // Cluster sums 2 and 0 around their mean 1: sqrt(2 * 2 / 1) / 4 samples.
        Assert.AreEqual(Math.Sqrt(2 * 2) / 4, outcomes.StandardError(null), 1e-12);
    }

    [TestMethod]
    public void ValidationShifts_AppendOnePixelMovesRepeatingTheBorder()
    {
        var images = new Tensor(new Shape(1, 1, 2, 3), [1, 2, 3, 4, 5, 6]);

        (Tensor shifted, int[] labels) = ValidationShifts.Add(images, [7], 4);

        CollectionAssert.AreEqual(new[] { 5, 1, 2, 3 }, shifted.Shape.Dimensions.ToArray());
        CollectionAssert.AreEqual(new[] { 7, 7, 7, 7, 7 }, labels);
        CollectionAssert.AreEqual(new float[]
        {
            1, 2, 3, 4, 5, 6, // original
            1, 1, 2, 4, 4, 5, // right
            2, 3, 3, 5, 6, 6, // left
            1, 2, 3, 1, 2, 3, // down
            4, 5, 6, 4, 5, 6, // up
        }, shifted.Data);
        Assert.ThrowsExactly<ArgumentException>(() => ValidationShifts.Add(new Tensor(new Shape(2, 3), new float[6]), [0, 1], 1));
    }
}
