using UnIT.ML.Evaluation;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.Sweeps;

namespace UnIT.ML.Tests.Evaluation;

[TestClass]
public sealed class PairedChangeTests
{
    [TestMethod]
    public void Of_CountsSamplesLostAndGainedAgainstTheLabels()
    {
        int[] labels = [0, 1, 2, 3, 4, 5];
        int[] dense = [0, 1, 2, 9, 9, 5];
        int[] pruned = [0, 7, 7, 3, 9, 5];

        PairedChange change = PairedChange.Of(dense, pruned, labels);

        Assert.AreEqual(new PairedChange(2, 1, 6), change);
        Assert.ThrowsExactly<ArgumentException>(() => PairedChange.Of(dense, pruned[..5], labels));
    }

    [TestMethod]
    public void StandardError_IsThatOfTheMeanOfThePerSampleDifferences()
    {
        // Per sample d = dense right - pruned right (1, -1 or 0): the drop is mean(d), its standard error
        // sqrt(population variance of d / N).
        foreach ((int lost, int gained, int n) in new[] { (0, 0, 10), (3, 0, 10), (12, 5, 1000), (143, 62, 10_000) })
        {
            double[] d = [.. Enumerable.Repeat(1.0, lost), .. Enumerable.Repeat(-1.0, gained), .. Enumerable.Repeat(0.0, n - lost - gained)];
            double mean = d.Average();
            double expected = Math.Sqrt(d.Sum(x => (x - mean) * (x - mean)) / n / n);

            Assert.AreEqual(expected, new PairedChange(lost, gained, n).StandardError, 1e-12, $"{lost} lost, {gained} gained of {n}");
        }
        Assert.AreEqual(0, PairedChange.StandardErrorOf(0, 0, 0));
    }

    [TestMethod]
    public void Evaluate_ReportsTheChangeOfItsOwnLogitsAgainstTheDenseModel()
    {
        PrunedModel model = PrunedModel.Create(SweepData.Model, new PruningOptions { Percentile = 80 }, SweepData.Calibration);

        EvaluationResult result = Evaluator.Evaluate(model, SweepData.Images, SweepData.Labels);

        float[] dense = Evaluator.DenseLogits(SweepData.Model, SweepData.Images);
        int classes = result.Logits[0].Length, lost = 0, gained = 0;
        for (int i = 0; i < SweepData.Labels.Count; i++)
        {
            bool before = ClassificationMetrics.ArgMax(dense.AsSpan(i * classes, classes), classes)[0] == SweepData.Labels[i];
            bool after = ClassificationMetrics.ArgMax(result.Logits[i], classes)[0] == SweepData.Labels[i];
            lost += before && !after ? 1 : 0;
            gained += after && !before ? 1 : 0;
        }
        Assert.IsGreaterThan(0, lost, "p = 80 on every layer should cost some samples");
        Assert.AreEqual(new PairedChange(lost, gained, SweepData.Labels.Count), result.Change);
        Assert.AreEqual((lost - gained) / (double)SweepData.Labels.Count, result.AccuracyDrop, 1e-12);
        Assert.AreEqual(PairedChange.StandardErrorOf(lost, gained, SweepData.Labels.Count), result.AccuracyDropStandardError);
    }
}
