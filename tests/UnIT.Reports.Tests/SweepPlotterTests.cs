using UnIT.ML.Sweeps;

namespace UnIT.Reports.Tests;

[TestClass]
public sealed class SweepPlotterTests
{
    [TestMethod]
    [DataRow(ParetoObjective.SkippedFraction)]
    [DataRow(ParetoObjective.Cycles)]
    public void SavePng_WritesA1200x800Png(ParetoObjective axis)
    {
        string path = Path.Combine(ReportData.TempFolder(), $"sweep-{axis}.png");

        SweepPlotter.SavePng(ReportData.Sweep(), path, axis);

        Assert.AreEqual((1200, 800), ReportData.PngSize(path));
        Assert.IsGreaterThan(20_000, new FileInfo(path).Length, "a plot with text and lines, not a blank image");
    }

    [TestMethod]
    public void Build_HasOneLegendEntryPerSeries_PlusTheFront()
    {
        SweepReport report = ReportData.Sweep();

        ScottPlot.Plot plot = SweepPlotter.Build(report, ParetoObjective.SkippedFraction);

        string[] legend = plot.Legend.GetItems().Select(i => i.LabelText).Where(t => !string.IsNullOrEmpty(t)).ToArray();
        string[] series = report.Points.Select(p => p.Coordinates.Series).Distinct().ToArray();
        CollectionAssert.AreEquivalent(series.Append("Pareto front").ToArray(), legend);
        Assert.AreEqual("MACs skipped (% of all MACs)", plot.Axes.Bottom.Label.Text);
        Assert.AreEqual("Accuracy (%)", plot.Axes.Left.Label.Text);
    }

    [TestMethod]
    public void Build_Cycles_PlacesTheDensePointAtTheDenseCost()
    {
        SweepReport report = ReportData.Sweep();

        ScottPlot.Plot plot = SweepPlotter.Build(report, ParetoObjective.Cycles);

        ScottPlot.Plottables.Scatter dense = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>()
            .Single(s => s.LegendText == "dense (float32), without UnIT");
        Assert.AreEqual(report.Points[0].DenseCycles, dense.Data.GetScatterPoints().Single().X);
        Assert.AreEqual("Estimated cycles per inference", plot.Axes.Bottom.Label.Text);
    }
}
