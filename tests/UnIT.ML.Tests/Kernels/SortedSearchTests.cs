using UnIT.ML.Kernels;

namespace UnIT.ML.Tests.Kernels;

/// <summary>The branch-free rank query against a plain count, ties and edges included.</summary>
[TestClass]
public sealed class SortedSearchTests
{
    [TestMethod]
    public void CountBelow_equals_a_plain_count_of_smaller_values()
    {
        var rng = new Random(5);
        for (int length = 0; length <= 200; length++)
        {
            // Few distinct values, so queries often tie with one or several entries.
            float[] sorted = [.. Enumerable.Range(0, length).Select(_ => (float)rng.Next(8)).Order()];
            foreach (float value in new[] { -1, 0, 0.5f, 1, 3, 3.5f, 7, 8, float.PositiveInfinity })
            {
                Assert.AreEqual(sorted.Count(v => v < value), SortedSearch.CountBelow(sorted, value), $"length {length}, value {value}");
            }
        }
    }
}
