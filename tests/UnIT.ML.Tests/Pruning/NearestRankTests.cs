using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.Kernels;

namespace UnIT.ML.Tests.Pruning;

[TestClass]
public sealed class NearestRankTests
{
    /// <summary>At n = 100 the p-th percentile is the p-th smallest value; binary floating point gets 7, 14, 28, 55 and 56 wrong.</summary>
    [TestMethod]
    [DataRow(7)]
    [DataRow(14)]
    [DataRow(28)]
    [DataRow(55)]
    [DataRow(56)]
    [DataRow(1)]
    [DataRow(100)]
    public void Whole_percentiles_of_100_values_are_the_pth_smallest(int p)
    {
        Assert.AreEqual(p - 1, Calibrator.NearestRank(p, 100));
    }

    [TestMethod]
    public void Rank_agrees_with_integer_arithmetic_for_every_hundredth_of_a_percent()
    {
        foreach (long n in new long[] { 1, 3, 7, 100, 1000, 86_400, 1_234_567_891 })
        {
            for (int hundredths = 0; hundredths <= 10_000; hundredths += 7)
            {
                // Smallest count c with c / n >= p / 100, p = hundredths / 100, all in integers.
                long count = (hundredths * n + 9_999) / 10_000;
                Assert.AreEqual(Math.Max(0, count - 1), Calibrator.NearestRank(hundredths / 100.0, n), $"p = {hundredths / 100.0}, n = {n}");
            }
        }
    }

    [TestMethod]
    public void Percentile_zero_means_no_threshold_skipping()
    {
        var rng = new Random(5);
        ModelGraph graph = TestGraphs.Conv(1, 1, 8, 8, 2, 3, 3, [1, 1], [0, 0], [0, 0], [1, 1], 1, rng);
        var batch = new Tensor(graph.Input.Shape.WithBatch(2), TestGraphs.Random(rng, 2 * graph.InputSampleSize, 0.2));

        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Percentile = 0 }, [batch]);
        var stats = new InferenceStatistics();
        model.Engine.Run(batch, stats);

        Assert.AreEqual(0f, model.Thresholds.Layers["conv"][0]);
        Assert.AreEqual(0, stats.For("conv").SkippedThreshold);
    }
}
