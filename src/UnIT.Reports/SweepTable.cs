using Spectre.Console;
using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>A console table of sweep points (Spectre.Console): one row per point, the Pareto points starred.</summary>
public static class SweepTable
{
    /// <summary>Builds the table; write it with <c>console.Write(table)</c>.</summary>
    public static Table Build(SweepReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        // Compensated skips (part of the threshold skips) get a column only in a sweep that has them.
        bool compensated = report.Points.Any(p => p.CompensatedFraction > 0);
        var table = new Table().Title(Markup.Escape(report.Title))
            .AddColumns("series", "setting")
            .AddColumns(RightAligned(["accuracy %", "drop pts", "F1", "skipped %", "zero %", "threshold %", .. compensated ? new[] { "compensated %" } : [],
                "cycles", "speed-up", "energy µJ", "wall s"]))
            .AddColumn(new TableColumn("Pareto").Centered());
        foreach (SweepPoint p in report.Points)
        {
            string front = (report.IsOnFront(p, ParetoObjective.SkippedFraction) ? "M" : "") + (report.IsOnFront(p, ParetoObjective.Cycles) ? "C" : "");
            string[] cells =
            [
                p.Coordinates.Series, Setting(p.Coordinates),
                ReportFormat.Fixed(100 * p.Accuracy, 2), ReportFormat.Fixed(100 * p.AccuracyDrop, 2),
                ReportFormat.Fixed(p.F1Macro, 4), ReportFormat.Fixed(100 * p.SkippedFraction, 1),
                ReportFormat.Fixed(100 * p.MacsSkippedZero / p.MacsTotal, 1), ReportFormat.Fixed(100 * p.MacsSkippedThreshold / p.MacsTotal, 1),
                .. compensated ? new[] { ReportFormat.Fixed(100 * p.CompensatedFraction, 1) } : [],
                ReportFormat.Whole(SweepReport.CostOf(p)), ReportFormat.Fixed(p.DenseCycles / SweepReport.CostOf(p), 2) + "x",
                ReportFormat.Fixed(p.Coordinates.Kind == SweepPointKind.Dense ? p.DenseEnergyMicrojoules : p.EnergyMicrojoules, 2), ReportFormat.Fixed(p.WallSeconds, 2),
                front,
            ];
            table.AddRow(cells.Select(c => new Text(c)).ToArray());
        }
        table.Caption("Pareto: M = on the accuracy / MACs-skipped front, C = on the accuracy / cycles front of its profile. " +
            "Cycles and energy per inference; dense is costed without skipping.");
        return table;
    }

    /// <summary>The swept value of a point, e.g. "p=50", "s=0.7", "tau=0.1", or "-" for dense.</summary>
    internal static string Setting(SweepCoordinates c) => c.Kind switch
    {
        SweepPointKind.Dense => "-",
        SweepPointKind.MagnitudePruning => "s=" + ReportFormat.Setting(c.MagnitudeSparsity),
        SweepPointKind.FatRelu => "tau=" + ReportFormat.Setting(c.FatReluTau),
        SweepPointKind.Unit => "p=" + ReportFormat.Setting(c.Percentile ?? 0),
        _ => "per layer",
    };

    private static TableColumn[] RightAligned(params string[] names) => names.Select(n => new TableColumn(n).RightAligned()).ToArray();
}
