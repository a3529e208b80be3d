using ScottPlot.Plottables;
using UnIT.ML.Graph;
using UnIT.ML.Shift;
using UnIT.ML.Sweeps;

namespace UnIT.Reports.Tests;

[TestClass]
public sealed class ShiftPlotterTests
{
    private static ShiftRow Row(ShiftKind? kind, double strength, double unitAccuracy) => new()
    {
        Kind = kind,
        Strength = strength,
        Unit = ReportData.Point(SweepPointKind.Unit, 50, unitAccuracy, 0.6, 4000),
        Magnitude = ReportData.Point(SweepPointKind.MagnitudePruning, null, unitAccuracy - 0.1, 0.6, 4000),
    };

    private static ShiftResult Result() => new()
    {
        Rows = [Row(null, 0, 0.85), Row(ShiftKind.Rotation, 10, 0.8), Row(ShiftKind.Rotation, 45, 0.5), Row(ShiftKind.Brightness, 0.2, 0.7)],
        MagnitudeSparsity = 0.6,
        Options = new ShiftOptions { Percentile = 50 },
    };

    [TestMethod]
    public void Plot_draws_dense_UnIT_and_magnitude_on_every_row_joining_only_the_strengths_of_one_kind()
    {
        string path = Path.Combine(ReportData.TempFolder(), "shift.png");
        using (FileStream stream = File.Create(path))
        {
            ShiftPlotter.WritePng(Result(), "model", stream, 900, 600);
        }
        Scatter[] scatters = [.. ShiftPlotter.Build(Result(), "model").GetPlottables().OfType<Scatter>()];

        Assert.AreEqual((900, 600), ReportData.PngSize(path));
        // Three series, each one run per kind (clean, rotation, brightness), so no line crosses from one kind to the next.
        Assert.HasCount(9, scatters);
        CollectionAssert.AreEqual(new[] { "dense", "UnIT (p=50)", "magnitude s=0.6" }, scatters.Select(s => s.LegendText).Where(t => t.Length > 0).ToArray());
        Scatter rotation = scatters[4]; // UnIT's rotation run: series after series, each run by run.
        CollectionAssert.AreEqual(new[] { 1.0, 2.0 }, rotation.Data.GetScatterPoints().Select(p => p.X).ToArray());
        CollectionAssert.AreEqual(new[] { 80.0, 50.0 }, rotation.Data.GetScatterPoints().Select(p => Math.Round(p.Y, 6)).ToArray());
    }

    [TestMethod]
    public void Plot_adds_the_train_time_pruned_model_with_and_without_UnIT_when_the_result_has_one()
    {
        ShiftResult plain = Result();
        var result = new ShiftResult
        {
            Rows = [.. plain.Rows.Select(r => r with { TrainTime = r.Magnitude, TrainTimeUnit = r.Unit })],
            MagnitudeSparsity = plain.MagnitudeSparsity,
            Options = plain.Options with { TrainTimePruned = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 2)),
                [new FullyConnectedNode("fc", "x", "y", new Tensor(new Shape(2, 2), new float[4]), null)], ["y"], "ttp"), TrainTimePercentile = 20 },
        };

        Scatter[] scatters = [.. ShiftPlotter.Build(result, "model").GetPlottables().OfType<Scatter>()];

        Assert.HasCount(15, scatters);
        CollectionAssert.AreEqual(new[] { "dense", "UnIT (p=50)", "magnitude s=0.6", "train-time pruned", "train-time + UnIT p=20" },
            scatters.Select(s => s.LegendText).Where(t => t.Length > 0).ToArray());
    }
}
