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
        var table = new Table().Title(Markup.Escape(report.Title))
            .AddColumns("series", "setting")
            .AddColumns(RightAligned("accuracy %", "drop pts", "F1", "skipped %", "zero %", "threshold %", "cycles", "speed-up", "energy µJ", "wall s"))
            .AddColumn(new TableColumn("Pareto").Centered());
        foreach (SweepPoint p in report.Points)
        {
            string front = (report.IsOnFront(p, ParetoObjective.SkippedFraction) ? "M" : "") + (report.IsOnFront(p, ParetoObjective.Cycles) ? "C" : "");
            table.AddRow(
                new Text(p.Coordinates.Series), new Text(Setting(p.Coordinates)),
                new Text(ReportFormat.Fixed(100 * p.Accuracy, 2)), new Text(ReportFormat.Fixed(100 * p.AccuracyDrop, 2)),
                new Text(ReportFormat.Fixed(p.F1Macro, 4)), new Text(ReportFormat.Fixed(100 * p.SkippedFraction, 1)),
                new Text(ReportFormat.Fixed(100 * p.MacsSkippedZero / p.MacsTotal, 1)), new Text(ReportFormat.Fixed(100 * p.MacsSkippedThreshold / p.MacsTotal, 1)),
                new Text(ReportFormat.Whole(SweepReport.CostOf(p))), new Text(ReportFormat.Fixed(p.DenseCycles / SweepReport.CostOf(p), 2) + "x"),
                new Text(ReportFormat.Fixed(p.Coordinates.Kind == SweepPointKind.Dense ? p.DenseEnergyMicrojoules : p.EnergyMicrojoules, 2)), new Text(ReportFormat.Fixed(p.WallSeconds, 2)),
                new Text(front));
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
