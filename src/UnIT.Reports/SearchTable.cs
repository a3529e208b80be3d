using Spectre.Console;
using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>Console tables of a threshold search (Spectre.Console): the chosen per-layer settings, and the metrics on validation and test.</summary>
public static class SearchTable
{
    /// <summary>Per layer: chosen percentile, thresholds and the skipped fraction on validation.</summary>
    public static Table Layers(SearchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        SearchResult r = report.Result;
        var table = new Table().Title(Markup.Escape($"Chosen thresholds: {report.Title}"))
            .AddColumns("layer", "percentile", "threshold(s)")
            .AddColumn(new TableColumn("skipped % (validation)").RightAligned());
        foreach (SweepLayerMetrics l in r.Validation.Layers)
        {
            double? p = r.LayerPercentiles.GetValueOrDefault(l.Layer);
            string thresholds = l.Thresholds.Length == 1
                ? ReportFormat.Number(l.Thresholds[0])
                : $"{l.Thresholds.Length} groups, {ReportFormat.Number(l.Thresholds.Min())} to {ReportFormat.Number(l.Thresholds.Max())}";
            table.AddRow(new Text(l.Layer), new Text(p is not null ? ReportFormat.Setting(p.Value) : r.Thresholds.RunsDenseLoop(l.Layer) ? "off (dense loop)" : "off (T=0)"), new Text(thresholds),
                new Text(ReportFormat.Fixed(100 * l.SkippedFraction, 1)));
        }
        return table;
    }

    /// <summary>The search result against the best single percentile, on validation and (when measured) on test.</summary>
    public static Table Summary(SearchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        SearchResult r = report.Result;
        var table = new Table().Title(Markup.Escape(
                $"{r.Evaluations} validation evaluations; limit: drop + {ReportFormat.Setting(r.Options.ConfidenceZ)} SE <= {ReportFormat.Fixed(100 * r.Options.MaxAccuracyDrop, 2)} pts"))
            .AddColumns("thresholds", "split")
            .AddColumns(new[] { "accuracy %", "drop pts (± SE)", "skipped %", "cycles", "speed-up" }.Select(n => new TableColumn(n).RightAligned()).ToArray());
        // A search that put UnIT on a FATReLU / magnitude baseline names it: evaluate needs the same options.
        string search = "search" + BaselineOf(r.Validation.Coordinates);
        Add(table, search, "validation", r.Validation);
        // With equal-error or sensitivity group allocation a uniform level is not one percentile, so it has none to show.
        string spread = r.Options.GroupAllocation == GroupAllocation.Sensitivity ? "sensitivity-weighted" : "equal error";
        string level = r.BestUniform?.Coordinates.Percentile is double p ? $" (p={ReportFormat.Setting(p)})" : r.BestUniform is null ? "" : $" (one level, {spread})";
        Add(table, "best single percentile" + level, "validation", r.BestUniform);
        Add(table, search, "test", report.Test);
        Add(table, "best single percentile", "test", report.UniformTest);
        var captions = new List<string>();
        if (!r.Feasible)
        {
            captions.Add("No state met the limit, not even T = 0 everywhere; the result is T = 0.");
        }
        if (r.Options.SkipCompensation)
        {
            SweepPoint shown = report.Test ?? r.Validation;
            captions.Add($"Skip compensation: {ReportFormat.Fixed(100 * shown.CompensatedFraction, 1)}% of all MACs ({(report.Test is null ? "validation" : "test")}) " +
                "are skipped with a compensation add (no multiply; the cycles count the add).");
        }
        if (captions.Count > 0)
        {
            table.Caption(Markup.Escape(string.Join(" ", captions)));
        }
        return table;
    }

    /// <summary>" on magnitude S", " on FATReLU T" or both; empty for plain UnIT.</summary>
    private static string BaselineOf(SweepCoordinates c) =>
        (c.MagnitudeSparsity > 0 ? " on magnitude " + ReportFormat.Setting(c.MagnitudeSparsity) : "")
        + (c.FatReluTau > 0 ? " on FATReLU " + ReportFormat.Setting(c.FatReluTau) : "");

    private static void Add(Table table, string name, string split, SweepPoint? p)
    {
        if (p is null)
        {
            return;
        }
        string drop = ReportFormat.Fixed(100 * p.AccuracyDrop, 2) + (p.AccuracyDropStandardError is double se ? " ± " + ReportFormat.Fixed(100 * se, 2) : "");
        table.AddRow(new Text(name), new Text(split), new Text(ReportFormat.Fixed(100 * p.Accuracy, 2)), new Text(drop),
            new Text(ReportFormat.Fixed(100 * p.SkippedFraction, 1)), new Text(ReportFormat.Whole(p.Cycles)), new Text(ReportFormat.Fixed(p.Speedup, 2) + "x"));
    }
}
