using UnIT.ML.Evaluation;
using UnIT.ML.Pruning;
using UnIT.ML.Sweeps;
using UnIT.ML.Targets;

namespace UnIT.ML.Tests.Sweeps;

[TestClass]
public sealed class ThresholdSearchTests
{
    private static readonly double[] Levels = [20, 40, 60, 80];

    [TestMethod]
    public void Run_SmallBudget_MeetsTheLimit_AndSkipsAtLeastAsMuchAsTheBestSinglePercentile()
    {
        var options = new SearchOptions { MaxAccuracyDrop = 0.02, Levels = Levels, Budget = 25, ConfidenceZ = 0 };

        SearchResult result = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);
        SweepPoint bestUniform = Sweep.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels,
                new SweepGrid { Percentiles = Levels, IncludeBaselines = false })
            .Where(p => p.AccuracyDrop <= 0.02).MaxBy(p => p.SkippedFraction)!;

        Assert.IsTrue(result.Feasible);
        Assert.IsLessThanOrEqualTo(25, result.Evaluations);
        Assert.IsLessThanOrEqualTo(0.02, result.Validation.AccuracyDrop);
        Assert.IsGreaterThanOrEqualTo(bestUniform.SkippedFraction, result.Validation.SkippedFraction);
        Assert.AreEqual(bestUniform.Coordinates.Percentile, result.BestUniform!.Coordinates.Percentile);
        Assert.AreEqual("search", result.Thresholds.Method);
        Assert.AreEqual("exact", result.Thresholds.Division);
        Assert.AreEqual("float32", result.Thresholds.Profile);
        CollectionAssert.AreEquivalent(SweepData.Model.PrunableLayers.Select(l => l.Name).ToArray(), result.LayerPercentiles.Keys.ToArray());
    }

    [TestMethod]
    public void Run_SavedThresholds_ReproduceTheValidationFigures()
    {
        var options = new SearchOptions { MaxAccuracyDrop = 0.02, Levels = Levels, Budget = 12 };
        SearchResult result = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);

        ThresholdSet loaded = ThresholdSet.FromJson(result.Thresholds.ToJson());
        PrunedModel model = PrunedModel.Create(SweepData.Model, new PruningOptions { Thresholds = loaded }, null);
        EvaluationResult again = Evaluator.Evaluate(model, SweepData.Images, SweepData.Labels);

        Assert.AreEqual(result.Validation.Accuracy, again.Pruned.Accuracy);
        Assert.AreEqual(result.Validation.SkippedFraction, again.Statistics.SkippedFraction, 1e-12);
    }

    [TestMethod]
    public void Run_FeasibleMeansDropPlusZStandardErrorsWithinTheLimit()
    {
        var options = new SearchOptions { MaxAccuracyDrop = 0.02, Levels = Levels, Budget = 15, ConfidenceZ = 1.5 };

        SearchResult result = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);

        foreach (SearchStep s in result.Trace)
        {
            double upper = s.Point.AccuracyDrop + 1.5 * s.Point.AccuracyDropStandardError!.Value;
            Assert.AreEqual(upper <= 0.02 + 1e-12, s.Feasible, $"evaluation {s.Evaluation}");
        }
        Assert.IsLessThanOrEqualTo(0.02, result.Validation.AccuracyDrop + 1.5 * result.Validation.AccuracyDropStandardError!.Value);
    }

    [TestMethod]
    public void Run_TracePhasesComeInOrder_AndGreedyMovesAreMarked()
    {
        var options = new SearchOptions { MaxAccuracyDrop = 0.02, Levels = Levels, Budget = 30, ConfidenceZ = 0 };

        SearchResult result = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);

        SearchPhase[] phases = result.Trace.Select(s => s.Phase).ToArray();
        Assert.AreEqual(SearchPhase.Start, phases[0]);
        CollectionAssert.AreEqual(phases.OrderBy(p => p).ToArray(), phases, "start, uniform, sensitivity, then greedy");
        Assert.IsTrue(result.Trace.Where(s => s.Phase == SearchPhase.Uniform).All(s => s.Point.Coordinates.Kind == SweepPointKind.Unit));
        Assert.IsTrue(result.Trace.Where(s => s.Accepted).All(s => s.Feasible));
        CollectionAssert.AreEqual(Enumerable.Range(1, result.Evaluations).ToArray(), result.Trace.Select(s => s.Evaluation).ToArray());
        Assert.AreEqual(result.Evaluations, result.Trace.Select(s => string.Join(",", s.LayerPercentiles.Values)).Distinct().Count(), "no state twice");
    }

    [TestMethod]
    public void Run_Trades_FollowThePlainSearch_RaiseOneLayerAndLowerAnother_AndOnlyGain()
    {
        SearchOptions Options(bool trades) => new() { MaxAccuracyDrop = 0.02, Levels = Levels, Budget = 200, ConfidenceZ = 0, Trades = trades };

        SearchResult plain = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, Options(false));
        SearchResult traded = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, Options(true));

        static string StateOf(SearchStep s) => string.Join(",", s.LayerPercentiles.Values.Select(p => p ?? -1));
        Assert.IsLessThan(200, plain.Evaluations, "the plain search ends before the budget");
        CollectionAssert.AreEqual(plain.Trace.Select(StateOf).ToArray(), traded.Trace.Take(plain.Evaluations).Select(StateOf).ToArray());
        SearchStep[] trades = traded.Trace.Where(s => s.Phase == SearchPhase.Trade).ToArray();
        Assert.IsNotEmpty(trades);
        foreach (SearchStep trade in trades)
        {
            SearchStep[] before = traded.Trace.Take(trade.Evaluation - 1).ToArray();
            // Some earlier feasible state differs from it in exactly two layers: one higher, one lower.
            Assert.IsTrue(before.Where(s => s.Feasible).Any(s =>
            {
                var moves = s.LayerPercentiles.Select(kv => Math.Sign((trade.LayerPercentiles[kv.Key] ?? -1) - (kv.Value ?? -1))).Where(d => d != 0).ToArray();
                return moves.Length == 2 && moves.Sum() == 0;
            }), $"evaluation {trade.Evaluation}");
            if (trade.Accepted)
            {
                Assert.IsTrue(trade.Feasible);
                Assert.IsGreaterThan(before.Where(s => s.Feasible).Max(s => s.Objective), trade.Objective);
            }
        }
        Assert.IsGreaterThanOrEqualTo(plain.Validation.SkippedFraction, traded.Validation.SkippedFraction);
    }

    [TestMethod]
    public void Run_BudgetOfOne_ReturnsEveryLayerOff()
    {
        var reports = new List<SweepProgress>();
        var options = new SearchOptions { Levels = Levels, Budget = 1 };

        SearchResult result = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options,
            new SynchronousProgress(reports.Add));

        Assert.AreEqual(1, result.Evaluations);
        Assert.IsTrue(result.LayerPercentiles.Values.All(p => p is null));
        Assert.IsTrue(result.Thresholds.Layers.Values.All(t => t.All(v => v == 0f)));
        Assert.AreEqual(0, result.Validation.MacsSkippedThreshold);
        Assert.IsNull(result.BestUniform);
        Assert.AreEqual("done", reports[^1].Description);
    }

    [TestMethod]
    public void Run_SensitivityAllocation_ShowsHowMuchOfTheSensitivityIsMeasured()
    {
        var reports = new List<SweepProgress>();
        var options = new SearchOptions
        {
            Levels = Levels, Budget = 3, GroupWise = true, GroupAllocation = GroupAllocation.Sensitivity, SensitivitySamples = 32,
        };

        ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options, new SynchronousProgress(reports.Add));

        string[] measuring = reports.Select(r => r.Description).Where(d => d.Contains("channel sensitivity on 32 samples at most")).ToArray();
        Assert.IsNotEmpty(measuring);
        Assert.EndsWith("100% measured", measuring[^1]);
    }

    [TestMethod]
    public void Run_CyclesObjectiveOnMax78000_MaximizesSpeedupWithTheProfilesDivision()
    {
        var options = new SearchOptions
        {
            MaxAccuracyDrop = 0.03, Levels = [30, 60], Budget = 8, Objective = SearchObjective.Cycles, Profile = "max78000", Refinements = 0,
        };

        SearchResult result = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);

        Assert.IsTrue(result.Trace.All(s => s.Objective == s.Point.Speedup));
        Assert.AreEqual("bitmask", result.Thresholds.Division);
        Assert.AreEqual("max78000", result.Validation.Coordinates.Profile);
        // UnIT's comparisons cost cycles on this table; the search must end no slower than where it started.
        Assert.IsGreaterThanOrEqualTo(result.Trace[0].Point.Speedup, result.Validation.Speedup);
    }

    [TestMethod]
    public void Run_CyclesObjective_WhenOnlySkipTestsCost_ChoosesMagnitudePruningOverTheMostMacsSkipped()
    {
        // A table that prices only the skip tests: a threshold skip saves its MAC but not its test, a magnitude-pruned
        // weight saves its tests. The MAC objective wants thresholds; the cycles objective gains nothing from them.
        CostTable testsOnly = CostTable.Float32Host with { Multiply = 0, Add = 0, MemoryRead = 0, Division = 0, CompareBranch = 1, DenseMac = 1 };
        var macs = new SearchOptions
        {
            MaxAccuracyDrop = 0.05, Levels = [30, 60, 90], Budget = 24, Refinements = 0, Costs = testsOnly,
            MagnitudeSparsities = [0, 0.3], BaselineShare = 1,
        };
        var cycles = macs with { Objective = SearchObjective.Cycles };

        SearchResult byMacs = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, macs);
        SearchResult byCycles = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, cycles);

        // Both price every state with the given table (a dense MAC at 1 cycle), not the profile's own.
        Assert.IsTrue(byCycles.Trace.All(s => s.Objective == s.Point.Speedup));
        Assert.IsTrue(byMacs.Trace.Concat(byCycles.Trace).All(s => Math.Abs(s.Point.DenseCycles - s.Point.MacsTotal) < 1e-6 * s.Point.MacsTotal));
        Assert.AreEqual(0.3, byCycles.Validation.Coordinates.MagnitudeSparsity);
        Assert.IsTrue(byMacs.Validation.Coordinates.MagnitudeSparsity != byCycles.Validation.Coordinates.MagnitudeSparsity
            || !byMacs.LayerPercentiles.OrderBy(kv => kv.Key).SequenceEqual(byCycles.LayerPercentiles.OrderBy(kv => kv.Key)));
        Assert.IsGreaterThan(byCycles.Validation.SkippedFraction, byMacs.Validation.SkippedFraction);
        Assert.IsGreaterThanOrEqualTo(byMacs.Validation.Speedup, byCycles.Validation.Speedup);
    }

    [TestMethod]
    public void Options_Validate_RejectsBadValues()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SearchOptions { MaxAccuracyDrop = 1.5 }.Validate());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SearchOptions { Budget = 0 }.Validate());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SearchOptions { Levels = [50, 120] }.Validate());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SearchOptions { ConfidenceZ = -1 }.Validate());
        Assert.ThrowsExactly<ArgumentException>(() => new SearchOptions { Profile = "gpu" }.Validate());
        Assert.ThrowsExactly<ArgumentException>(() => new SearchOptions { Levels = [] }.Validate());
    }

    private sealed class SynchronousProgress(Action<SweepProgress> report) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value) => report(value);
    }
}
