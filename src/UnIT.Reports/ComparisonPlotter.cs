using ScottPlot;
using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>
/// Plots a <see cref="ComparisonResult"/> (the paper's Figure 5/6 on one model): test accuracy change against MACs
/// skipped on the test set, one line per method through its settings chosen under each limit.
/// </summary>
public static class ComparisonPlotter
{
    /// <summary>Writes the plot as PNG into <paramref name="stream"/>.</summary>
    public static void WritePng(ComparisonResult result, string title, Stream stream, int width = SweepPlotter.DefaultWidth, int height = SweepPlotter.DefaultHeight) =>
        ReportFormat.WritePng(Build(result, title), stream, width, height);

    /// <summary>The plot, not yet rendered.</summary>
    internal static Plot Build(ComparisonResult result, string title)
    {
        ArgumentNullException.ThrowIfNull(result);
        Plot plot = PlotStyle.Create("MACs skipped at equal accuracy limits\n" + title, "MACs skipped on test (% of all MACs)", "Test accuracy change vs dense (points)");
        MarkerShape[] markers = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleDown, MarkerShape.OpenCircle];
        int series = 0;
        foreach (IGrouping<ComparisonMethod, ComparisonRow> method in result.Rows.Where(r => r.Test is not null).GroupBy(r => r.Method))
        {
            SweepPoint[] points = method.Select(r => r.Test!).OrderBy(p => p.SkippedFraction).ToArray();
            var scatter = plot.Add.Scatter(points.Select(p => 100 * p.SkippedFraction).ToArray(), points.Select(p => -100 * p.AccuracyDrop).ToArray());
            scatter.LegendText = ComparisonTable.Name(method.Key);
            scatter.Color = PlotStyle.SeriesColor(series);
            scatter.MarkerShape = markers[series % markers.Length];
            scatter.MarkerSize = 12;
            scatter.LineWidth = 2;
            series++;
        }
        foreach (double limit in result.Rows.Select(r => r.MaxAccuracyDrop).Distinct())
        {
            var line = plot.Add.HorizontalLine(-100 * limit, 1, Colors.Gray, LinePattern.Dotted);
            line.LegendText = "";
        }
        PlotStyle.ShowLegend(plot);
        return plot;
    }
}
