using UnIT.ML.Graph;
using UnIT.ML.Sweeps;
using UnIT.ML.Targets;

namespace UnIT.ML.Tests.Sweeps;

[TestClass]
public sealed class ComparisonTests
{
    [TestMethod]
    public void Run_ChoosesEachMethodsBestFeasibleSettingOnValidation_AndMeasuresItOnTest()
    {
        // Validation: the first 150 shipped test images; test: the other 150 of the 300.
        Tensor all = SweepData.Images;
        int n = all.Shape[0] / 2, size = all.Data.Length / all.Shape[0];
        int[] dims = all.Shape.Dimensions;
        dims[0] = n;
        var validation = new Tensor(new Shape(dims), all.Data[..(n * size)]);
        var test = new Tensor(new Shape(dims), all.Data[(n * size)..(2 * n * size)]);
        int[] validationLabels = SweepData.Labels.Take(n).ToArray(), testLabels = SweepData.Labels.Skip(n).Take(n).ToArray();
        var options = new ComparisonOptions
        {
            MaxAccuracyDrops = [0.02, 0.05],
            Methods = [ComparisonMethod.SinglePercentile, ComparisonMethod.FatRelu, ComparisonMethod.LayerSearch],
            Percentiles = [20, 40, 60, 80],
            FatReluTaus = [0.1f, 0.5f, 2f],
            Search = new SearchOptions { Levels = [30, 60], Budget = 6, Refinements = 0, ConfidenceZ = 1 },
        };

        ComparisonResult result = Comparison.Run(SweepData.Model, SweepData.Calibration, validation, validationLabels, test, testLabels, options);

        Assert.HasCount(6, result.Rows);
        CollectionAssert.AreEqual(new[] { 0.02, 0.02, 0.02, 0.05, 0.05, 0.05 }, result.Rows.Select(r => r.MaxAccuracyDrop).ToArray());
        foreach (ComparisonRow r in result.Rows)
        {
            // T = 0 is on every curve and in every search, so every method has a feasible choice here.
            Assert.IsNotNull(r.Validation, $"{r.Method} at {r.MaxAccuracyDrop}");
            Assert.IsTrue(Comparison.Feasible(r.Validation, r.MaxAccuracyDrop, 1), $"{r.Method} at {r.MaxAccuracyDrop}");
            Assert.AreEqual(n, r.Validation.Samples);
            Assert.AreEqual(n, r.Test!.Samples);
            Assert.AreEqual(result.DenseTestAccuracy, r.Test.DenseAccuracy);
            // The test point is the validation setting run again on the test images.
            SweepPoint again = Sweep.Evaluate(SweepData.Model, SweepData.Calibration, test, testLabels, [r.Validation])[0];
            Assert.AreEqual(again.Accuracy, r.Test.Accuracy);
            Assert.AreEqual(again.SkippedFraction, r.Test.SkippedFraction, 1e-12);
        }
        // A looser limit never makes a method skip less on validation.
        foreach (ComparisonMethod m in options.Methods)
        {
            ComparisonRow[] rows = result.Rows.Where(r => r.Method == m).ToArray();
            Assert.IsGreaterThanOrEqualTo(rows[0].Validation!.SkippedFraction - 1e-12, rows[1].Validation!.SkippedFraction, m.ToString());
        }
        Assert.IsTrue(result.Rows.Where(r => r.Method == ComparisonMethod.FatRelu).All(r => r.Setting == "T=0" || r.Setting.StartsWith("tau=", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Run_KeepsATighterLimitsSearchChoiceWhereTheLooserLimitsOwnSearchFindsLess()
    {
        // A budget this small lets each limit's greedy search end on another path: here the 2-point search finds less than
        // the 1-point one, whose choice meets 2 points as well.
        var options = new ComparisonOptions
        {
            MaxAccuracyDrops = [0.01, 0.02],
            Methods = [ComparisonMethod.LayerSearch],
            Search = new SearchOptions { Levels = [40, 70, 90], Budget = 5, Refinements = 0, ConfidenceZ = 1 },
        };

        ComparisonResult result = Comparison.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, SweepData.Images, SweepData.Labels, options);
        SearchResult own = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options.Search with { MaxAccuracyDrop = 0.02 });

        ComparisonRow tight = result.Rows[0], loose = result.Rows[1];
        Assert.IsNull(tight.ChosenUnder);
        Assert.IsLessThan(tight.Validation!.SkippedFraction, own.Validation.SkippedFraction, "the 2-point search alone finds less");
        Assert.AreEqual(0.01, loose.ChosenUnder);
        Assert.AreSame(tight.Validation, loose.Validation);
        Assert.AreEqual(tight.Setting + " (chosen under D = 1 pts)", loose.Setting);
        Assert.AreEqual(own.Evaluations, loose.Evaluations, "the row still reports what its own search spent");
        Assert.AreEqual(tight.Test!.SkippedFraction, loose.Test!.SkippedFraction);
    }

    [TestMethod]
    public void Run_WithDenseWhereCheaper_RecordsTheDenseLoopsAndPricesEveryRowAsItsThresholdsRun()
    {
        var options = new ComparisonOptions
        {
            MaxAccuracyDrops = [0.05],
            Methods = [ComparisonMethod.FatRelu, ComparisonMethod.LayerSearch],
            FatReluTaus = [0.2f, 0.5f],
            RefinementSteps = 0,
            Search = new SearchOptions
            {
                Levels = [30, 60], Budget = 6, Refinements = 0, ConfidenceZ = 1, Profile = "msp430", Objective = SearchObjective.Cycles,
                Costs = CostTable.Msp430HardwareMultiply, DenseWhereCheaper = true,
            },
        };

        ComparisonResult result = Comparison.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, SweepData.Images, SweepData.Labels, options);

        ComparisonRow fatRelu = result.Rows.Single(r => r.Method == ComparisonMethod.FatRelu);
        Assert.IsNotEmpty(fatRelu.Validation!.Thresholds.DenseLayers!, "FATReLU leaves conv1's normalized input without zeros: its dense loop is cheaper");
        foreach (ComparisonRow r in result.Rows)
        {
            SweepPoint again = Sweep.Evaluate(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, [r.Validation!], options.Search.Costs)[0];
            Assert.AreEqual(again.Speedup, r.Test!.Speedup, 1e-9, r.Method.ToString());
        }
        ComparisonRow search = result.Rows.Single(r => r.Method == ComparisonMethod.LayerSearch);
        Assert.IsNotEmpty(search.Validation!.Thresholds.DenseLayers!, $"the search leaves a costly layer off, which runs dense: {search.Setting}");
        foreach (string layer in SweepData.Model.PrunableLayers.Select(l => l.Name))
        {
            Assert.AreEqual(search.Validation.Thresholds.RunsDenseLoop(layer), search.Setting.Contains($"{layer} dense", StringComparison.Ordinal), search.Setting);
        }
    }

    [TestMethod]
    public void Run_RefinesAOneKnobMethodPastAGridThatStopsShortOfTheLimit()
    {
        var options = new ComparisonOptions
        {
            MaxAccuracyDrops = [0.05],
            Methods = [ComparisonMethod.FatRelu],
            FatReluTaus = [0.001f],
            Search = new SearchOptions { ConfidenceZ = 0 },
        };

        ComparisonRow refined = Comparison.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, SweepData.Images, SweepData.Labels, options).Rows.Single();
        ComparisonRow grid = Comparison.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, SweepData.Images, SweepData.Labels,
            options with { RefinementSteps = 0 }).Rows.Single();

        Assert.AreEqual("tau=0.001", grid.Setting);
        Assert.AreEqual(2, grid.Evaluations);
        Assert.IsTrue(Comparison.Feasible(refined.Validation!, 0.05, 0), refined.Setting);
        Assert.IsGreaterThan(0.001f, refined.Validation!.Coordinates.FatReluTau, refined.Setting);
        Assert.IsGreaterThan(grid.Validation!.SkippedFraction, refined.Validation.SkippedFraction, refined.Setting);
        Assert.IsLessThanOrEqualTo(2 + 2 * options.RefinementSteps, refined.Evaluations);
    }

    [TestMethod]
    public void Options_Validate_RejectsBadValues()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ComparisonOptions { MaxAccuracyDrops = [1.5] }.Validate());
        Assert.ThrowsExactly<ArgumentException>(() => new ComparisonOptions { Methods = [] }.Validate());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ComparisonOptions { FatReluTaus = [-1f] }.Validate());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ComparisonOptions { Search = new SearchOptions { Budget = 0 } }.Validate());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ComparisonOptions { RefinementSteps = -1 }.Validate());
    }
}
