namespace UnIT.ML.Division.Tests;

[TestClass]
public sealed class ExponentSearchTreeTests
{
    [TestMethod]
    public void Balanced_tree_of_16_pivots_is_4_deep_everywhere()
    {
        ExponentSearchTree tree = ExponentSearchTree.Balanced(0, 15);

        Assert.AreEqual(4, tree.MaxDepth);
        for (int e = 0; e <= 15; e++)
        {
            Assert.AreEqual(4, tree.Depth(e));
            Assert.AreEqual(e, tree.Find(e, out _));
        }
    }

    [TestMethod]
    public void Balanced_tree_depth_is_ceil_log2_of_the_pivot_count()
    {
        foreach (int k in new[] { 1, 2, 3, 5, 8, 40, 277 })
        {
            ExponentSearchTree tree = ExponentSearchTree.Balanced(-149, -149 + k - 1);

            Assert.AreEqual((int)Math.Ceiling(Math.Log2(k)), tree.MaxDepth, $"k={k}");
        }
    }

    [TestMethod]
    public void Find_returns_the_largest_pivot_not_above_the_exponent_and_clamps()
    {
        ExponentSearchTree tree = ExponentSearchTree.Balanced([-6, -2, 0, 3, 9]);

        Assert.AreEqual(-6, tree.Find(-20, out _));
        Assert.AreEqual(-6, tree.Find(-3, out _));
        Assert.AreEqual(-2, tree.Find(-1, out _));
        Assert.AreEqual(3, tree.Find(8, out _));
        Assert.AreEqual(9, tree.Find(50, out _));
    }

    [TestMethod]
    public void Weighted_tree_puts_frequent_exponents_shallow()
    {
        var frequencies = new Dictionary<int, long> { [0] = 1, [5] = 1000, [10] = 1, [15] = 1 };

        ExponentSearchTree weighted = ExponentSearchTree.Weighted(frequencies, 0, 15);
        ExponentSearchTree balanced = ExponentSearchTree.Balanced(0, 15);

        Assert.AreEqual(2, weighted.Depth(5)); // an inner leaf needs two cuts
        Assert.IsTrue(weighted.AverageDepth(frequencies) < balanced.AverageDepth(frequencies));
        for (int e = 0; e <= 15; e++)
        {
            Assert.AreEqual(e, weighted.Find(e, out _));
        }
    }

    [TestMethod]
    public void Weighted_tree_is_optimal_against_every_tree_on_small_cases()
    {
        // Brute force: the least weighted depth over all order-preserving trees of 6 leaves.
        var rng = new Random(2);
        for (int trial = 0; trial < 20; trial++)
        {
            long[] w = Enumerable.Range(0, 6).Select(_ => (long)rng.Next(0, 50)).ToArray();
            var frequencies = Enumerable.Range(0, 6).ToDictionary(i => i, i => w[i]);

            ExponentSearchTree tree = ExponentSearchTree.Weighted(frequencies, 0, 5);

            long cost = Enumerable.Range(0, 6).Sum(i => w[i] * tree.Depth(i));
            Assert.AreEqual(BestCost(w, 0, 5), cost, $"weights {string.Join(",", w)}");
        }
    }

    private static long BestCost(long[] w, int i, int j)
    {
        if (i == j)
        {
            return 0;
        }
        long best = long.MaxValue;
        for (int m = i + 1; m <= j; m++)
        {
            best = Math.Min(best, BestCost(w, i, m - 1) + BestCost(w, m, j));
        }
        return best + w[i..(j + 1)].Sum();
    }

    [TestMethod]
    public void Weighted_tree_without_data_is_balanced()
    {
        ExponentSearchTree tree = ExponentSearchTree.Weighted(new Dictionary<int, long>(), 0, 15);

        Assert.AreEqual(4, tree.MaxDepth);
    }

    [TestMethod]
    public void Exponent_frequencies_skip_zeros_and_non_finite_values()
    {
        IReadOnlyDictionary<int, long> counts = ExponentSearchTree.ExponentFrequencies([0f, 1f, 1.5f, -3f, float.NaN, float.PositiveInfinity, 0.3f]);

        Assert.AreEqual(2, counts[0]);
        Assert.AreEqual(1, counts[1]);
        Assert.AreEqual(1, counts[-2]);
        Assert.AreEqual(3, counts.Count);
    }

    [TestMethod]
    public void Invalid_pivots_throw()
    {
        Assert.ThrowsExactly<ArgumentException>(() => ExponentSearchTree.Balanced([1, 2, 2]));
        Assert.ThrowsExactly<ArgumentException>(() => ExponentSearchTree.Balanced(Array.Empty<int>()));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ExponentSearchTree.Balanced(-200, 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ExponentSearchTree.Balanced(5, 4));
        Assert.ThrowsExactly<ArgumentException>(() => ExponentSearchTree.Weighted(new Dictionary<int, long> { [0] = -1 }, 0, 3));
    }
}
