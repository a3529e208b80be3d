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
}
