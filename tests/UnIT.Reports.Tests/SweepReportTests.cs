using UnIT.ML.Sweeps;

namespace UnIT.Reports.Tests;

[TestClass]
public sealed class SweepReportTests
{
    [TestMethod]
    public void Fronts_MacsOverAllPoints_CyclesPerProfile()
    {
        SweepReport report = ReportData.Sweep();
        IReadOnlyList<SweepPoint> p = report.Points;
        (SweepPoint dense, SweepPoint u30, SweepPoint u60, SweepPoint u90) = (p[0], p[1], p[2], p[3]);
        (SweepPoint b30, SweepPoint b60, SweepPoint b90, SweepPoint magnitude, SweepPoint max78000) = (p[4], p[5], p[6], p[7], p[8]);

        // Dense is dominated by p30 (more skipped, same accuracy); magnitude pruning by exact p60.
        CollectionAssert.AreEqual(new[] { u30, b30, u60, max78000, b60, u90, b90 }, report.SkippedFront.ToArray());
        // Dense is costed without UnIT (10,000 cycles): still dominated by p30 (7,000 cycles, same accuracy).
        CollectionAssert.AreEqual(new[] { u30, b30, u60, b60, u90, b90 }, report.CyclesFronts["float32"].ToArray());
        Assert.AreEqual(10_000, SweepReport.CostOf(dense));
        Assert.AreEqual(7000, SweepReport.CostOf(u30));
        CollectionAssert.AreEqual(new[] { max78000 }, report.CyclesFronts["max78000"].ToArray());
        Assert.IsFalse(report.IsOnFront(dense, ParetoObjective.SkippedFraction));
        Assert.IsFalse(report.IsOnFront(magnitude, ParetoObjective.Cycles));
        Assert.IsTrue(report.IsOnFront(max78000, ParetoObjective.Cycles));
    }
}
