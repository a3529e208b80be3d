using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.Kernels;

namespace UnIT.ML.Tests.Oracles;

/// <summary>
/// The counts that price a fully connected layer the C runs by sorted columns (<see cref="LayerStatistics.ColumnInputs"/> and
/// after) against their definitions: every input scanned, a threshold per nonzero input, and the steps of the C's binary
/// search over that input's nonzero weights sorted by |w| descending (halving [lo, hi) while lo &lt; hi, toward the first
/// weight with |w| &lt;= t), none when t exceeds every int16; and which layers run by sorted columns at all.
/// </summary>
[TestClass]
public sealed class SortedColumnCountOracleTests
{
    [TestMethod]
    public void Search_steps_follow_the_C_bisection_worked_out_by_hand()
    {
        // One input, 16 neurons with |w| = 100..1600: exact division by |x| = 1 makes t = T.
        short[] column = [.. Enumerable.Range(1, 16).Select(i => (short)(i % 2 == 0 ? 100 * i : -100 * i))];
        SortedColumnCounts counts = SortedColumnCounts.For(column, 16, 1, compensated: false)!;
        // Sorted descending 1600..100; t = 1150 keeps 5 (1600..1200): mid 8 fails, 4 passes, 6 and 5 fail: 4 steps.
        // t = 50 keeps all 16: mids 8, 12, 14, 15 pass: 4 steps. t = 1600 keeps none: mids 8, 4, 2, 1, 0 fail: 5 steps.
        foreach ((int t, long steps) in new[] { (1150, 4L), (50, 4L), (1600, 5L) })
        {
            var stats = new LayerStatistics("fc");
            counts.Add([1], t, new ExactDivision(), stats);
            Assert.AreEqual(steps, stats.ColumnSearchSteps, $"t = {t}");
            Assert.AreEqual((1L, 1L, 16L), (stats.ColumnInputs, stats.ColumnThresholds, stats.ColumnOutputs), $"t = {t}");
        }
        // A threshold no int16 passes: looked up, no search.
        var none = new LayerStatistics("fc");
        counts.Add([1], 40000, new ExactDivision(), none);
        Assert.AreEqual((1L, 0L), (none.ColumnThresholds, none.ColumnSearchSteps));
    }

    [TestMethod]
    public void Random_rows_count_as_the_definition_on_every_approximator()
    {
        var rng = new Random(3);
        const int k = 40, n = 24;
        // Zero weights leave a column short (some empty); zero inputs are scanned only.
        short[] weight = [.. Enumerable.Range(0, k * n).Select(i => (short)(i / n % 7 == 0 ? 0 : rng.NextDouble() < 0.3 ? 0 : rng.Next(-3000, 3001)))];
        foreach (IDivisionApproximator division in new IDivisionApproximator[] { new ExactDivision(), new BitShiftDivision(), new BinaryTreeDivision() })
        {
            SortedColumnCounts counts = SortedColumnCounts.For(weight, n, 1, compensated: false)!;
            var stats = new LayerStatistics("fc");
            long thresholds = 0, steps = 0, rows = 0;
            for (int r = 0; r < 20; r++, rows++)
            {
                short[] x = [.. Enumerable.Range(0, k).Select(_ => (short)(rng.NextDouble() < 0.4 ? 0 : rng.Next(-2000, 2001)))];
                int threshold = rng.Next(0, 3_000_000);
                counts.Add(x, threshold, division, stats);
                for (int kk = 0; kk < k; kk++)
                {
                    if (x[kk] == 0)
                    {
                        continue;
                    }
                    thresholds++;
                    var ops = default(DivisionOps);
                    int t = division.Threshold(threshold, Math.Abs((int)x[kk]), ref ops);
                    int[] magnitudes = [.. weight.Skip(kk * n).Take(n).Where(w => w != 0).Select(w => Math.Abs((int)w))];
                    steps += t > short.MaxValue ? 0 : Bisection(magnitudes.Length, magnitudes.Count(m => m > t));
                }
            }
            Assert.AreEqual((rows * k, thresholds, steps, rows * n), (stats.ColumnInputs, stats.ColumnThresholds, stats.ColumnSearchSteps, stats.ColumnOutputs), division.Name);
        }
    }

    [TestMethod]
    public void Only_int16_layers_of_16_to_256_neurons_with_one_threshold_and_no_compensation_run_by_sorted_columns()
    {
        Assert.IsTrue(SortedColumnFullyConnected.Applies(16, 1, false));
        Assert.IsTrue(SortedColumnFullyConnected.Applies(256, 1, false));
        Assert.IsFalse(SortedColumnFullyConnected.Applies(15, 1, false), "a test per weight is as cheap below 16 neurons");
        Assert.IsFalse(SortedColumnFullyConnected.Applies(257, 1, false), "a neuron index is a byte");
        Assert.IsFalse(SortedColumnFullyConnected.Applies(32, 32, false), "group-wise thresholds");
        Assert.IsFalse(SortedColumnFullyConnected.Applies(32, 1, true), "skip compensation visits the skipped weights");

        var rng = new Random(8);
        Tensor x = new(new Shape(6, 30), TestGraphs.Random(rng, 6 * 30, 0.3));
        LayerStatistics Counted(int n, PruningOptions options, bool denseLoop = false)
        {
            PrunedModel model = PrunedModel.Create(TestGraphs.FullyConnected(30, n, new Random(2)), options, [x]);
            model = denseLoop ? KernelChoice.RunDense(model, ["fc"], [x]) : model;
            var stats = new InferenceStatistics();
            model.Engine.Run(x, stats);
            return stats.For("fc");
        }
        LayerStatistics sorted = Counted(20, new PruningOptions { Profile = "msp430", Percentile = 50 });
        Assert.AreEqual((6L * 30, 6L * 20), (sorted.ColumnInputs, sorted.ColumnOutputs));
        Assert.AreEqual(x.Data.Count(v => v != 0f), sorted.ColumnThresholds, "every nonzero input (none quantizes to 0 at this scale)");
        Assert.IsGreaterThan(0L, sorted.ColumnSearchSteps);
        Assert.AreEqual(0, Counted(10, new PruningOptions { Profile = "msp430", Percentile = 50 }).ColumnInputs, "10 neurons: the tested loop");
        Assert.AreEqual(0, Counted(20, new PruningOptions { Profile = "float32", Percentile = 50 }).ColumnInputs, "float C tests its weights");
        Assert.AreEqual(0, Counted(20, new PruningOptions { Profile = "msp430", Percentile = 50, GroupWise = true }).ColumnInputs, "group-wise");
        Assert.AreEqual(0, Counted(20, new PruningOptions { Profile = "msp430", Percentile = 50, SkipCompensation = true }).ColumnInputs, "compensated");
        Assert.AreEqual(0, Counted(20, new PruningOptions { Profile = "msp430", Percentile = 50 }, denseLoop: true).ColumnInputs, "the dense loop");
    }

    /// <summary>Steps of the C's loop over [0, m) toward the first index that fails, when the first <paramref name="kept"/> pass.</summary>
    private static long Bisection(int m, int kept)
    {
        long steps = 0;
        for (int lo = 0, hi = m; lo < hi; steps++)
        {
            int mid = lo + ((hi - lo) >> 1);
            (lo, hi) = mid < kept ? (mid + 1, hi) : (lo, mid);
        }
        return steps;
    }
}
