using System.Globalization;
using ScottPlot;
using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>
/// Draws a threshold search: accuracy change against the dense model (so validation and test compare) versus MACs
/// skipped (or estimated cycles, for the cycles objective) of every validation evaluation, the single-percentile
/// curve, each layer's sensitivity curve, the greedy moves, the accuracy limit and the result, plus the test-set
/// points when measured. PNG via ScottPlot.
/// </summary>
public static class SearchPlotter
{
    /// <summary>Saves the plot as a PNG file, replacing it.</summary>
    /// <param name="report">The search and any test measurements.</param>
    /// <param name="path">The PNG file.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static void SavePng(SearchReport report, string path, int width = SweepPlotter.DefaultWidth, int height = SweepPlotter.DefaultHeight)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.Write(path, overwrite: true, stream => WritePng(report, stream, width, height));
    }

    /// <summary>Writes the plot as PNG to <paramref name="stream"/>, which is not closed.</summary>
    /// <param name="report">The search and any test measurements.</param>
    /// <param name="stream">Where the PNG goes.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static void WritePng(SearchReport report, Stream stream, int width = SweepPlotter.DefaultWidth, int height = SweepPlotter.DefaultHeight) =>
        ReportFormat.WritePng(Build(report), stream, width, height);

    /// <summary>The plot, not yet rendered.</summary>
    internal static Plot Build(SearchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        SearchResult result = report.Result;
        bool cycles = result.Options.Objective == SearchObjective.Cycles;
        Func<SweepPoint, double> x = cycles ? p => p.Cycles : p => 100 * p.SkippedFraction;
        Plot plot = PlotStyle.Create(
            "Per-layer threshold search\n" + report.Title,
            cycles ? $"Estimated cycles per inference ({result.Validation.Coordinates.Profile})" : "MACs skipped (% of all MACs)",
            "Accuracy change vs dense (points)");
        IReadOnlyList<SearchStep> all = result.Trace;
        // The curves are plain UnIT's; searches on FATReLU / magnitude baselines show among the evaluated states.
        SearchStep[] trace = all.Where(s => s.Point.Coordinates is { MagnitudeSparsity: 0, FatReluTau: 0 }).ToArray();

        Add(plot, "evaluated states (validation)", all.Select(s => s.Point), x, Colors.Gray.WithAlpha(0.6), MarkerShape.FilledCircle, 6, line: false);
        string[] layers = trace[0].LayerPercentiles.Keys.ToArray();
        for (int l = 0; l < layers.Length; l++)
        {
            IEnumerable<SweepPoint> curve = trace.Where(s => s.Phase is SearchPhase.Sensitivity or SearchPhase.Start
                && s.LayerPercentiles.Where(kv => kv.Key != layers[l]).All(kv => kv.Value is null)).Select(s => s.Point);
            var sensitivity = Add(plot, $"only {layers[l]} pruned (validation)", curve, x, PlotStyle.SeriesColor(2 + l), MarkerShape.FilledCircle, 5, line: true);
            sensitivity.LinePattern = LinePattern.Dashed;
            sensitivity.LineWidth = 1.5f;
        }
        SweepPoint[] uniform = trace.Where(s => s.Phase is SearchPhase.Uniform or SearchPhase.Start).Select(s => s.Point).ToArray();
        Color uniformColor = PlotStyle.SeriesColor(0);
        Add(plot, "single percentile, all layers (validation)", uniform, x, uniformColor, MarkerShape.FilledCircle, 9, line: true);
        foreach (SweepPoint p in uniform.Where(p => p.Coordinates.Percentile is not null))
        {
            PlotStyle.Annotate(plot, string.Create(CultureInfo.InvariantCulture, $"p{p.Coordinates.Percentile:0.#}"), x(p), Change(p), uniformColor);
        }
        Add(plot, "moves taken: greedy and trades (validation)", all.Where(s => s.Accepted).Select(s => s.Point), x, PlotStyle.SeriesColor(1), MarkerShape.FilledSquare, 9, line: false);
        Add(plot, "search result (validation)", [result.Validation], x, Colors.Red, MarkerShape.FilledDiamond, 20, line: false);
        if (report.Test is { } test)
        {
            Add(plot, "search result (test)", [test], x, Colors.DarkRed, MarkerShape.OpenDiamond, 20, line: false).MarkerLineWidth = 2.5f;
        }
        if (report.UniformTest is { } uniformTest)
        {
            Add(plot, "best single percentile (test)", [uniformTest], x, uniformColor, MarkerShape.OpenCircle, 18, line: false).MarkerLineWidth = 2.5f;
        }
        var limitLine = plot.Add.HorizontalLine(-100 * result.Options.MaxAccuracyDrop, 1.5f, Colors.Red, LinePattern.Dotted);
        limitLine.LegendText = string.Create(CultureInfo.InvariantCulture,
            $"limit D = {100 * result.Options.MaxAccuracyDrop:0.##} pts (feasible: drop + {result.Options.ConfidenceZ:0.##} SE <= D)");
        PlotStyle.ShowLegend(plot);
        return plot;
    }

    /// <summary>Accuracy minus dense accuracy in points, on the point's own split.</summary>
    private static double Change(SweepPoint p) => -100 * p.AccuracyDrop;

    private static ScottPlot.Plottables.Scatter Add(Plot plot, string legend, IEnumerable<SweepPoint> points, Func<SweepPoint, double> x,
        Color color, MarkerShape marker, float size, bool line)
    {
        SweepPoint[] ordered = points.OrderBy(x).ToArray();
        var scatter = plot.Add.Scatter(ordered.Select(x).ToArray(), ordered.Select(Change).ToArray());
        scatter.LegendText = legend;
        scatter.Color = color;
        scatter.MarkerShape = marker;
        scatter.MarkerSize = size;
        scatter.LineWidth = line ? 2 : 0;
        return scatter;
    }
}
