using System.Globalization;
using ScottPlot;
using UnIT.ML.Shift;

namespace UnIT.Reports;

/// <summary>
/// Plots a <see cref="ShiftResult"/>: test accuracy of the dense model, UnIT and magnitude pruning on the clean set and
/// on each shift and strength, one column per row of the result, the kinds separated by dotted lines.
/// </summary>
public static class ShiftPlotter
{
    /// <summary>Writes the plot as PNG into <paramref name="stream"/>.</summary>
    public static void WritePng(ShiftResult result, string title, Stream stream, int width = SweepPlotter.DefaultWidth, int height = SweepPlotter.DefaultHeight) =>
        ReportFormat.WritePng(Build(result, title), stream, width, height);

    /// <summary>The plot, not yet rendered.</summary>
    internal static Plot Build(ShiftResult result, string title)
    {
        ArgumentNullException.ThrowIfNull(result);
        Plot plot = PlotStyle.Create(title, "", "Test accuracy (%)");
        (string Name, Func<ShiftRow, double> Accuracy, MarkerShape Marker)[] series =
        [
            ("dense", r => r.Unit.DenseAccuracy, MarkerShape.OpenCircle),
            ($"UnIT ({ShiftTable.UnitLabel(result)})", r => r.Unit.Accuracy, MarkerShape.FilledCircle),
            ($"magnitude s={ReportFormat.Setting(result.MagnitudeSparsity)}", r => r.Magnitude.Accuracy, MarkerShape.FilledSquare),
            .. result.Options.TrainTimePruned is null ? [] : new (string, Func<ShiftRow, double>, MarkerShape)[]
            {
                ("train-time pruned", r => r.TrainTime!.Accuracy, MarkerShape.FilledTriangleUp),
                ($"train-time + UnIT p={ReportFormat.Setting(result.Options.TrainTimeUnitPercentile)}", r => r.TrainTimeUnit!.Accuracy, MarkerShape.FilledDiamond),
            },
        ];
        // Lines join the strengths of one kind only: the clean row and each kind are separate runs of points.
        var runs = result.Rows.Select((row, x) => (Row: row, X: (double)x)).GroupBy(p => p.Row.Kind).ToArray();
        for (int s = 0; s < series.Length; s++)
        {
            foreach (var run in runs)
            {
                var scatter = plot.Add.Scatter(run.Select(p => p.X).ToArray(), run.Select(p => 100 * series[s].Accuracy(p.Row)).ToArray());
                scatter.LegendText = run.Key is null ? series[s].Name : "";
                scatter.Color = PlotStyle.SeriesColor(s);
                scatter.MarkerShape = series[s].Marker;
                scatter.MarkerSize = 10;
                scatter.LineWidth = 2;
            }
        }
        foreach (var run in runs.Skip(1))
        {
            plot.Add.VerticalLine(run.First().X - 0.5, 1, Colors.Gray, LinePattern.Dotted);
        }
        plot.Axes.Bottom.SetTicks(
            result.Rows.Select((_, x) => (double)x).ToArray(),
            result.Rows.Select(r => r.Kind is null ? "clean" : $"{ShiftTable.Name(r.Kind)} {r.Strength.ToString("0.###", CultureInfo.InvariantCulture)}").ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        // Room for the slanted labels, which the automatic layout cuts off.
        plot.Axes.Bottom.MinimumSize = 170;
        PlotStyle.ShowLegend(plot);
        return plot;
    }
}
