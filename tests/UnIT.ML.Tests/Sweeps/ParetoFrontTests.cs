using UnIT.ML.Sweeps;

namespace UnIT.ML.Tests.Sweeps;

[TestClass]
public sealed class ParetoFrontTests
{
    [TestMethod]
    public void Compute_KeepsExactlyTheNonDominatedItems_InOrderOfBenefit()
    {
        // (benefit, accuracy): b dominates d (more benefit, same accuracy); c dominates e; a, b, c, f trade off.
        (string Name, double B, double A)[] items =
        [
            ("a", 0.1, 0.90), ("b", 0.5, 0.85), ("c", 0.7, 0.80), ("d", 0.4, 0.85), ("e", 0.6, 0.70), ("f", 0.9, 0.40),
        ];

        IReadOnlyList<(string Name, double B, double A)> front = ParetoFront.Compute(items, i => i.B, i => i.A);

        CollectionAssert.AreEqual(new[] { "a", "b", "c", "f" }, front.Select(i => i.Name).ToArray());
    }

    [TestMethod]
    public void Compute_EqualPointsBothStay_AndAStrictlyBetterOneRemovesThem()
    {
        (string Name, double B, double A)[] ties = [("x", 0.5, 0.8), ("y", 0.5, 0.8)];
        (string Name, double B, double A)[] withBetter = [.. ties, ("z", 0.5, 0.81)];

        Assert.HasCount(2, ParetoFront.Compute(ties, i => i.B, i => i.A));
        CollectionAssert.AreEqual(new[] { "z" }, ParetoFront.Compute(withBetter, i => i.B, i => i.A).Select(i => i.Name).ToArray());
    }

    [TestMethod]
    public void Compute_Empty_IsEmpty()
    {
        Assert.IsEmpty(ParetoFront.Compute(Array.Empty<double>(), x => x, x => x));
    }

    [TestMethod]
    public void Compute_SweepPoints_CyclesAreMinimizedAndSkippedFractionMaximized()
    {
        SweepPoint fast = SweepData.Point(90, 0.70, skippedFraction: 0.8, cycles: 2000);
        SweepPoint accurate = SweepData.Point(10, 0.90, skippedFraction: 0.3, cycles: 8000);
        // Skips more than 'accurate' but costs more cycles than 'fast' at lower accuracy: on the MACs front only.
        SweepPoint oddCost = SweepData.Point(50, 0.75, skippedFraction: 0.85, cycles: 9000);
        SweepPoint dominated = SweepData.Point(60, 0.65, skippedFraction: 0.5, cycles: 5000);
        SweepPoint[] points = [fast, accurate, oddCost, dominated];

        IReadOnlyList<SweepPoint> byMacs = ParetoFront.Compute(points, ParetoObjective.SkippedFraction);
        IReadOnlyList<SweepPoint> byCycles = ParetoFront.Compute(points, ParetoObjective.Cycles);

        CollectionAssert.AreEqual(new[] { accurate, oddCost }, byMacs.ToArray());
        CollectionAssert.AreEqual(new[] { accurate, fast }, byCycles.ToArray());
    }
}
