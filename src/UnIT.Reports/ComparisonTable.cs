using Spectre.Console;
using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>The console table of a <see cref="ComparisonResult"/> (Spectre.Console): per limit and method, the test figures of the chosen setting.</summary>
public static class ComparisonTable
{
    /// <summary>The method's name in reports, e.g. "UnIT per-layer search".</summary>
    public static string Name(ComparisonMethod method) => method switch
    {
        ComparisonMethod.SinglePercentile => "UnIT single percentile",
        ComparisonMethod.FatRelu => "FATReLU",
        ComparisonMethod.Magnitude => "magnitude pruning",
        ComparisonMethod.LayerSearch => "UnIT per-layer search",
        ComparisonMethod.GroupSearch => "UnIT group-wise search",
        _ => "search with FATReLU / magnitude",
    };

    /// <summary>One row per limit and method: the setting, the validation drop, and test drop, MACs skipped, cycles and speed-up.</summary>
    public static Table Build(ComparisonResult result, string title)
    {
        ArgumentNullException.ThrowIfNull(result);
        // A compensated skip adds a constant: its share is shown beside the skipped MACs whenever a row has any.
        bool compensated = result.Rows.Any(r => r.Test?.CompensatedFraction > 0);
        var table = new Table().Title(Markup.Escape(title))
            .AddColumns(new TableColumn("D pts").RightAligned(), new TableColumn("method"), new TableColumn("setting"))
            .AddColumns(((string[])["val. drop pts", "test drop pts", "test skipped %", .. compensated ? new[] { "of which compensated %" } : [], "test cycles", "speed-up"])
                .Select(n => new TableColumn(n).RightAligned()).ToArray());
        foreach (ComparisonRow r in result.Rows)
        {
            SweepPoint? t = r.Test;
            string[] cells =
            [
                ReportFormat.Fixed(100 * r.MaxAccuracyDrop, 1), Name(r.Method), r.Setting,
                r.Validation is { } v ? ReportFormat.Fixed(100 * v.AccuracyDrop, 2) : "-",
                t is null ? "-" : ReportFormat.Fixed(100 * t.AccuracyDrop, 2),
                t is null ? "-" : ReportFormat.Fixed(100 * t.SkippedFraction, 1),
                .. compensated ? new[] { t is null ? "-" : ReportFormat.Fixed(100 * t.CompensatedFraction, 1) } : [],
                t is null ? "-" : ReportFormat.Whole(t.Cycles),
                t is null ? "-" : ReportFormat.Fixed(t.Speedup, 2) + "x",
            ];
            table.AddRow(cells.Select(c => new Text(c)).ToArray());
        }
        table.Caption(Markup.Escape(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Chosen on {result.ValidationSamples:N0} validation samples (drop + {result.Options.Search.ConfidenceZ:0.##} SE <= D); measured on {result.TestSamples:N0} test samples, dense test accuracy {100 * result.DenseTestAccuracy:0.00}%.")));
        return table;
    }
}
