using UnIT.ML.Evaluation;
using UnIT.ML.Pruning;
using UnIT.ML.Sweeps;

namespace UnIT.ML.Tests.Sweeps;

[TestClass]
public sealed class SweepTests
{
    [TestMethod]
    public void Run_TinyGrid_SkippedFractionRisesWithPercentile_AndBaselinesAreThere()
    {
        var grid = new SweepGrid { Percentiles = [20, 50, 80], MagnitudeSparsities = [0, 0.5], FatReluTaus = [0, 0.2f] };
        var reports = new List<SweepProgress>();

        IReadOnlyList<SweepPoint> points = Sweep.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, grid,
            new SynchronousProgress(reports.Add));

        Assert.HasCount(grid.Points().Count, points);
        SweepPoint[] plain = points.Where(p => p.Coordinates is { Kind: SweepPointKind.Unit, MagnitudeSparsity: 0, FatReluTau: 0 }).ToArray();
        CollectionAssert.AreEqual(new double?[] { 20, 50, 80 }, plain.Select(p => p.Coordinates.Percentile).ToArray());
        for (int i = 1; i < plain.Length; i++)
        {
            Assert.IsGreaterThan(plain[i - 1].SkippedFraction, plain[i].SkippedFraction, $"p={plain[i].Coordinates.Percentile}");
            Assert.IsGreaterThanOrEqualTo(plain[i - 1].MacsSkippedThreshold, plain[i].MacsSkippedThreshold);
        }
        SweepPoint dense = points.Single(p => p.Coordinates.Kind == SweepPointKind.Dense);
        Assert.AreEqual(0, dense.MacsSkippedThreshold);
        Assert.AreEqual(dense.DenseAccuracy, dense.Accuracy, "T = 0 changes no prediction");
        Assert.AreEqual(242_560, dense.MacsTotal, 1e-9);
        SweepPoint magnitude = points.Single(p => p.Coordinates.Kind == SweepPointKind.MagnitudePruning);
        Assert.AreEqual(0, magnitude.MacsSkippedThreshold);
        Assert.IsGreaterThan(dense.MacsSkippedZero, magnitude.MacsSkippedZero, "zeroed weights skip as zeros");
        Assert.IsTrue(magnitude.Thresholds.Layers.Values.All(t => t.All(v => v == 0f)));
        SweepPoint fatRelu = points.Single(p => p.Coordinates.Kind == SweepPointKind.FatRelu);
        Assert.IsGreaterThan(dense.MacsSkippedZero, fatRelu.MacsSkippedZero, "FATReLU zeros skip as zeros");
        Assert.AreEqual(new SweepProgress(reports[^1].Total, reports[^1].Total, "done"), reports[^1]);
        Assert.AreEqual(points.Count + 2 * 2, reports[^1].Total, "one calibration pass per (s, tau) for all p, one evaluation per point");
    }

    [TestMethod]
    [DataRow("float32")]
    [DataRow("msp430")]
    public void Run_PointMatchesEvaluatingTheSameSettingDirectly(string profile)
    {
        var grid = new SweepGrid { Percentiles = [60], Divisions = ["bitshift"], Profiles = [profile], IncludeBaselines = false };

        SweepPoint point = Sweep.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, grid).Single();
        PrunedModel model = PrunedModel.Create(SweepData.Model, new PruningOptions { Percentile = 60, Division = "bitshift", Profile = profile }, SweepData.Calibration);
        EvaluationResult direct = Evaluator.Evaluate(model, SweepData.Images, SweepData.Labels);

        Assert.AreEqual(direct.Pruned.Accuracy, point.Accuracy);
        Assert.AreEqual(direct.Statistics.SkippedFraction, point.SkippedFraction, 1e-12);
        Assert.AreEqual(direct.Cost.Cycles, point.Cycles, 1e-6);
        CollectionAssert.AreEqual(direct.Thresholds.For("/conv2/Conv"), point.Thresholds.For("/conv2/Conv"));
        CollectionAssert.AreEqual(direct.Thresholds.QuantizedFor("/conv2/Conv"), point.Thresholds.QuantizedFor("/conv2/Conv"));
        Assert.AreEqual("bitshift", point.Thresholds.Division);
        Assert.AreEqual(3, point.Layers.Count);
        Assert.AreEqual(point.MacsTotal, point.Layers.Sum(l => l.MacsTotal), 1e-6);
    }

    [TestMethod]
    [DataRow("float32")]
    [DataRow("msp430")]
    public void Run_DivisionSettingsReachTheirOwnDivisionsPointsAndMatchEvaluatingDirectly(string profile)
    {
        var grid = new SweepGrid
        {
            Percentiles = [60], Divisions = ["bitshift", "binarytree", "exact"], Profiles = [profile], IncludeBaselines = false,
            BitShiftStartingShift = -3, CalibrateBinaryTree = true,
        };

        IReadOnlyList<SweepPoint> points = Sweep.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, grid);

        foreach (SweepPoint point in points)
        {
            SweepCoordinates c = point.Coordinates;
            Assert.AreEqual(c.Division == "bitshift" ? -3 : null, c.BitShiftStartingShift, c.ToString());
            Assert.AreEqual(c.Division == "binarytree", c.CalibrateBinaryTree, c.ToString());
            Assert.AreEqual(c.BitShiftStartingShift, point.Thresholds.DivisionSettings?.StartingShift, c.ToString());
            Assert.AreEqual(c.CalibrateBinaryTree, point.Thresholds.DivisionSettings?.PivotWeights is not null, c.ToString());
            PrunedModel model = PrunedModel.Create(SweepData.Model, new PruningOptions
            {
                Percentile = 60, Division = c.Division, Profile = profile, BitShiftStartingShift = c.BitShiftStartingShift, CalibrateBinaryTree = c.CalibrateBinaryTree,
            }, SweepData.Calibration);
            EvaluationResult direct = Evaluator.Evaluate(model, SweepData.Images, SweepData.Labels);
            Assert.AreEqual(direct.Pruned.Accuracy, point.Accuracy, c.ToString());
            Assert.AreEqual(direct.Statistics.Executed / (double)direct.Statistics.Samples, point.MacsExecuted, 1e-9, c.ToString());
            Assert.AreEqual(direct.Cost.Cycles, point.Cycles, 1e-6, c.ToString());
        }
        SweepPoint plain = Sweep.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, grid with { BitShiftStartingShift = null, CalibrateBinaryTree = false })
            .Single(p => p.Coordinates.Division == "binarytree");
        SweepPoint calibrated = points.Single(p => p.Coordinates.Division == "binarytree");
        Assert.AreEqual(plain.MacsExecuted, calibrated.MacsExecuted, 1e-9, "a calibrated tree finds the same thresholds");
        Assert.AreNotEqual(plain.Cycles, calibrated.Cycles, "a calibrated tree makes other comparisons, so its cost differs");
    }

    [TestMethod]
    public void DivisionSettingsWithoutTheirDivisionAreRefused()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new SweepGrid { Percentiles = [60], Divisions = ["exact"], BitShiftStartingShift = 2 }.Validate());
        Assert.ThrowsExactly<ArgumentException>(() => new SweepGrid { Percentiles = [60], Profiles = ["max78000"], CalibrateBinaryTree = true }.Validate());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SweepGrid { Percentiles = [60], Divisions = ["bitshift"], BitShiftStartingShift = 500 }.Validate());
        Assert.ThrowsExactly<ArgumentException>(() => new SearchOptions { Profile = "float32", BitShiftStartingShift = 1 }.Validate());
        new SearchOptions { Profile = "msp430", BitShiftStartingShift = 1 }.Validate();
        new SearchOptions { Division = "binarytree", CalibrateBinaryTree = true }.Validate();
    }

    [TestMethod]
    public void Run_PointsSharingAnEngineAcrossProfilesEachMatchEvaluatingThemDirectly_InGridOrder()
    {
        // float32 and max78000 points run the same engine (the sweep runs it once and recosts it); msp430 points share Q formats.
        var grid = new SweepGrid { Percentiles = [60], Divisions = ["bitmask"], Profiles = ["float32", "max78000", "msp430"], IncludeBaselines = false };

        IReadOnlyList<SweepPoint> points = Sweep.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, grid);

        CollectionAssert.AreEqual(grid.Points().ToArray(), points.Select(p => p.Coordinates).ToArray());
        foreach (SweepPoint point in points)
        {
            SweepCoordinates c = point.Coordinates;
            PrunedModel model = PrunedModel.Create(SweepData.Model, new PruningOptions { Percentile = 60, Division = c.Division, Profile = c.Profile }, SweepData.Calibration);
            EvaluationResult direct = Evaluator.Evaluate(model, SweepData.Images, SweepData.Labels);
            Assert.AreEqual(direct.Pruned.Accuracy, point.Accuracy, c.ToString());
            Assert.AreEqual(direct.QuantizedDense?.Accuracy, point.QuantizedDenseAccuracy, c.ToString());
            Assert.AreEqual(direct.Statistics.Executed / (double)direct.Statistics.Samples, point.MacsExecuted, 1e-9, c.ToString());
            Assert.AreEqual(direct.Cost.Cycles, point.Cycles, 1e-6, c.ToString());
            Assert.AreEqual(c.Profile, point.Thresholds.Profile, c.ToString());
        }
        Assert.AreEqual(points[0].MacsExecuted, points[1].MacsExecuted, "float32 and max78000 run the same engine");
    }

    [TestMethod]
    public void Run_FixedPointProfile_CarriesQuantizedDenseAccuracy()
    {
        var grid = new SweepGrid { Percentiles = [50], Profiles = ["msp430"], IncludeBaselines = false };

        SweepPoint point = Sweep.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, grid).Single();

        Assert.IsNotNull(point.QuantizedDenseAccuracy);
        Assert.IsNotNull(point.Thresholds.Quantization);
        Assert.AreEqual("bitshift", point.Coordinates.Division);
    }

    [TestMethod]
    public void Evaluate_RemeasuresPointsOnAnotherSet()
    {
        var grid = new SweepGrid { Percentiles = [50], IncludeBaselines = false };
        SweepPoint onAll = Sweep.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, grid).Single();
        var firstHundred = new Graph.Tensor(new Graph.Shape(100, 1, 28, 28), SweepData.Images.Data.AsSpan(0, 100 * 784).ToArray());

        SweepPoint onPart = Sweep.Evaluate(SweepData.Model, SweepData.Calibration, firstHundred, SweepData.Labels.Take(100).ToArray(), [onAll]).Single();

        Assert.AreEqual(100, onPart.Samples);
        Assert.AreEqual(onAll.Coordinates, onPart.Coordinates);
        CollectionAssert.AreEqual(onAll.Thresholds.For("/conv1/Conv"), onPart.Thresholds.For("/conv1/Conv"));
    }

    /// <summary>Calls back on the reporting thread, so the test sees every report before Run returns.</summary>
    private sealed class SynchronousProgress(Action<SweepProgress> report) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value) => report(value);
    }
}
