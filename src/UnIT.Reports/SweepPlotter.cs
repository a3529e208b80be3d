using System.Globalization;
using ScottPlot;
using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>
/// Draws a sweep as the paper's Figure 5: accuracy against MACs skipped or against estimated cycles, one
/// line per series, the dense point, the baselines and the Pareto front marked, axes labelled, with a legend.
/// A series' colour names its approximator and profile; its marker names what UnIT runs on top of (circle:
/// plain, square: magnitude pruning, triangle: FATReLU, diamond: both; hollow: group-wise). Baselines are grey or
/// black, hollow for every profile after the first. PNG via ScottPlot.
/// </summary>
public static class SweepPlotter
{
    /// <summary>Default image width in pixels.</summary>
    public const int DefaultWidth = 1200;

    /// <summary>Default image height in pixels.</summary>
    public const int DefaultHeight = 800;

    private static readonly MarkerShape[] Filled = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond];
    private static readonly MarkerShape[] Hollow = [MarkerShape.OpenCircle, MarkerShape.OpenSquare, MarkerShape.OpenTriangleUp, MarkerShape.OpenDiamond];

    /// <summary>Saves the plot of <paramref name="report"/> against <paramref name="axis"/> as a PNG file, replacing it.</summary>
    /// <param name="report">The points and fronts.</param>
    /// <param name="path">The PNG file.</param>
    /// <param name="axis">MACs skipped (%) or estimated cycles per inference on the x axis.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static void SavePng(SweepReport report, string path, ParetoObjective axis, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.Write(path, overwrite: true, stream => WritePng(report, stream, axis, width, height));
    }

    /// <summary>Writes the plot of <paramref name="report"/> against <paramref name="axis"/> as PNG to <paramref name="stream"/>, which is not closed.</summary>
    /// <param name="report">The points and fronts.</param>
    /// <param name="stream">Where the PNG goes.</param>
    /// <param name="axis">MACs skipped (%) or estimated cycles per inference on the x axis.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static void WritePng(SweepReport report, Stream stream, ParetoObjective axis, int width = DefaultWidth, int height = DefaultHeight) =>
        ReportFormat.WritePng(Build(report, axis), stream, width, height);

    /// <summary>The plot, not yet rendered.</summary>
    internal static Plot Build(SweepReport report, ParetoObjective axis)
    {
        ArgumentNullException.ThrowIfNull(report);
        bool cycles = axis == ParetoObjective.Cycles;
        Plot plot = PlotStyle.Create(
            (cycles ? "Accuracy vs estimated cycles" : "Accuracy vs MACs skipped") + "\n" + report.Title,
            cycles ? "Estimated cycles per inference" : "MACs skipped (% of all MACs)",
            "Accuracy (%)");
        Func<SweepPoint, double> x = cycles ? SweepReport.CostOf : p => 100 * p.SkippedFraction;
        string[] families = report.Points.Where(p => p.Coordinates.Kind is SweepPointKind.Unit or SweepPointKind.Search)
            .Select(Family).Distinct().ToArray();
        string[] profiles = report.Points.Select(p => p.Coordinates.Profile).Distinct().ToArray();
        bool annotated = false;
        foreach (IGrouping<string, SweepPoint> series in report.Points.GroupBy(p => p.Coordinates.Series))
        {
            SweepPoint[] points = series.OrderBy(SweptValue).ToArray();
            SweepCoordinates c = points[0].Coordinates;
            var scatter = plot.Add.Scatter(points.Select(x).ToArray(), points.Select(p => 100 * p.Accuracy).ToArray());
            scatter.LegendText = c.Kind == SweepPointKind.Dense && cycles ? $"{series.Key}, without UnIT" : series.Key;
            scatter.LineWidth = 2;
            scatter.MarkerSize = 9;
            switch (c.Kind)
            {
                case SweepPointKind.Dense:
                    scatter.Color = Colors.Black;
                    // Baselines of the first profile are filled, of the others hollow, so their legend entries differ.
                    scatter.MarkerShape = (Array.IndexOf(profiles, c.Profile) == 0 ? Filled : Hollow)[3];
                    scatter.MarkerSize = 18;
                    break;
                case SweepPointKind.MagnitudePruning or SweepPointKind.FatRelu:
                    scatter.Color = c.Kind == SweepPointKind.FatRelu ? Colors.DarkGoldenRod : Colors.SlateGray;
                    scatter.LinePattern = LinePattern.Dashed;
                    scatter.MarkerShape = (Array.IndexOf(profiles, c.Profile) == 0 ? Filled : Hollow)[c.Kind == SweepPointKind.FatRelu ? 2 : 1];
                    scatter.MarkerSize = 11;
                    break;
                default:
                    int modifiers = (c.MagnitudeSparsity > 0 ? 1 : 0) + (c.FatReluTau > 0 ? 2 : 0);
                    scatter.Color = PlotStyle.SeriesColor(Array.IndexOf(families, Family(points[0])));
                    scatter.MarkerShape = (c.GroupWise ? Hollow : Filled)[modifiers];
                    scatter.LinePattern = modifiers == 0 ? LinePattern.Solid : LinePattern.Dashed;
                    if (!annotated && c.Kind == SweepPointKind.Unit)
                    {
                        // The percentiles of the first UnIT series show where each p lands; the other series share them.
                        annotated = true;
                        foreach (SweepPoint p in points)
                        {
                            PlotStyle.Annotate(plot, string.Create(CultureInfo.InvariantCulture, $"p{p.Coordinates.Percentile:0.#}"), x(p), 100 * p.Accuracy, scatter.Color);
                        }
                    }
                    break;
            }
        }
        IEnumerable<IReadOnlyList<SweepPoint>> fronts = cycles ? report.CyclesFronts.Values : [report.SkippedFront];
        bool first = true;
        foreach (IReadOnlyList<SweepPoint> front in fronts)
        {
            SweepPoint[] points = front.OrderBy(x).ToArray();
            var line = plot.Add.Scatter(points.Select(x).ToArray(), points.Select(p => 100 * p.Accuracy).ToArray());
            line.Color = Colors.Black;
            line.LineWidth = 1.5f;
            line.LinePattern = LinePattern.Dotted;
            line.MarkerShape = MarkerShape.OpenCircle;
            line.MarkerSize = 20;
            line.MarkerLineWidth = 2;
            line.LegendText = first ? "Pareto front" : "";
            first = false;
        }
        PlotStyle.ShowLegend(plot);
        return plot;
    }

    /// <summary>Approximator and profile: what a series' colour stands for.</summary>
    private static string Family(SweepPoint p) => $"{p.Coordinates.Division}/{p.Coordinates.Profile}";

    /// <summary>The value a series sweeps, so its line runs in order of it.</summary>
    private static double SweptValue(SweepPoint p) => p.Coordinates.Kind switch
    {
        SweepPointKind.MagnitudePruning => p.Coordinates.MagnitudeSparsity,
        SweepPointKind.FatRelu => p.Coordinates.FatReluTau,
        _ => p.Coordinates.Percentile ?? p.SkippedFraction,
    };
}
