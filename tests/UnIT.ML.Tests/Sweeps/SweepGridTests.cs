using UnIT.ML.Sweeps;

namespace UnIT.ML.Tests.Sweeps;

[TestClass]
public sealed class SweepGridTests
{
    [TestMethod]
    public void Points_BaselinesFirst_ThenTheProductOfTheAxes()
    {
        var grid = new SweepGrid
        {
            Percentiles = [50, 10],
            Divisions = ["Exact", "bitmask"],
            Profiles = ["float32", "max78000"],
            MagnitudeSparsities = [0, 0.5],
            FatReluTaus = [0, 0.1f],
        };

        IReadOnlyList<SweepCoordinates> points = grid.Points();

        // Per profile: dense, one magnitude and one FATReLU baseline; UnIT: 2 p x 2 divisions x 2 s x 2 tau per profile.
        Assert.HasCount(2 * 3 + 2 * (2 * 2 * 2 * 2), points);
        CollectionAssert.AreEqual(
            new[] { SweepPointKind.Dense, SweepPointKind.MagnitudePruning, SweepPointKind.FatRelu },
            points.Take(3).Select(p => p.Kind).ToArray());
        Assert.AreEqual("bitmask", points.First(p => p.Profile == "max78000").Division, "baselines take the profile's default division");
        SweepCoordinates[] unit = points.Where(p => p.Kind == SweepPointKind.Unit).ToArray();
        Assert.IsTrue(unit.All(p => p.Division is "exact" or "bitmask"), "names are canonical");
        CollectionAssert.AreEqual(new double?[] { 10, 50 }, unit.Take(2).Select(p => p.Percentile).ToArray(), "percentiles ascend within a series");
        Assert.HasCount(unit.Length, unit.Distinct());
    }

    [TestMethod]
    public void Points_WithoutDivisions_UseEachProfilesDefault()
    {
        var grid = new SweepGrid { Percentiles = [50], Profiles = ["float32", "msp430"], IncludeBaselines = false };

        CollectionAssert.AreEqual(new[] { "exact", "bitshift" }, grid.Points().Select(p => p.Division).ToArray());
    }

    [TestMethod]
    public void Series_NamesApproximatorProfileAndModifiers()
    {
        var c = new SweepCoordinates
        {
            Kind = SweepPointKind.Unit, Percentile = 70, Division = "bitshift", Profile = "msp430", GroupWise = true, MagnitudeSparsity = 0.5,
        };

        Assert.AreEqual("UnIT bitshift (msp430) group-wise + magnitude 0.5", c.Series);
        Assert.AreEqual("UnIT bitshift (msp430) group-wise + magnitude 0.5 p=70", c.ToString());
    }

    [TestMethod]
    public void Validate_RejectsBadValues_NamingThem()
    {
        var e1 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SweepGrid { Percentiles = [50, 101] }.Validate());
        Assert.Contains("101", e1.Message);
        var e2 = Assert.ThrowsExactly<ArgumentException>(() => new SweepGrid { Divisions = ["fast"] }.Validate());
        Assert.Contains("fast", e2.Message);
        Assert.ThrowsExactly<ArgumentException>(() => new SweepGrid { Profiles = ["gpu"] }.Validate());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SweepGrid { MagnitudeSparsities = [1.0] }.Validate());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SweepGrid { FatReluTaus = [-0.1f] }.Validate());
        var e3 = Assert.ThrowsExactly<ArgumentException>(() => new SweepGrid { Percentiles = [] }.Validate());
        Assert.Contains("Percentiles", e3.Message);
    }
}
