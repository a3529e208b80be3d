using UnIT.ML.Pruning;
using UnIT.ML.Sweeps;
using UnIT.ML.Targets;

namespace UnIT.ML.Tests.Sweeps;

/// <summary>How a sweep's evaluator reuses one engine run for several tables.</summary>
[TestClass]
public sealed class PointEvaluatorTests
{
    [TestMethod]
    public void A_table_that_prices_sorted_lists_gets_a_run_that_counted_them()
    {
        // The first run is priced by max78000's own table, which needs no list counts, so it takes none; the same point
        // priced by the measured Cortex-M4 table must then run again, counting them, and cost what a fresh evaluator says.
        var evaluator = new PointEvaluator(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels);
        var at = new SweepCoordinates { Kind = SweepPointKind.Unit, Percentile = 50, Profile = "max78000", Division = "bitmask" };
        ThresholdSet thresholds = evaluator.Histogram(false).ThresholdsFor(50);

        SweepPoint own = evaluator.Evaluate(at, thresholds);
        SweepPoint measured = evaluator.Evaluate(at, thresholds, CostTable.CortexM4Instructions);
        SweepPoint fresh = new PointEvaluator(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels)
            .Evaluate(at, thresholds, CostTable.CortexM4Instructions);

        Assert.AreEqual(fresh.Cycles, measured.Cycles);
        Assert.AreEqual(fresh.DenseCycles, measured.DenseCycles);
        Assert.AreNotEqual(own.Cycles, measured.Cycles, "the two tables price differently");
        Assert.AreEqual(own.MacsExecuted, measured.MacsExecuted);
        Assert.AreEqual(own.Accuracy, measured.Accuracy);
    }
}
