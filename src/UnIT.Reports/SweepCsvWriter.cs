using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>
/// Writes sweep points as CSV, one row per point: coordinates, every metric (MACs, cycles and energy per
/// inference), Pareto-front membership, and per layer its skipped fraction and thresholds. Invariant culture.
/// </summary>
public static class SweepCsvWriter
{
    /// <summary>Writes the CSV (header and rows) to <paramref name="writer"/>, which is not closed.</summary>
    public static void Write(SweepReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        string[] layers = PointColumns.LayersOf(report.Points);
        ReportFormat.WriteCsvRow(writer, PointColumns.Header(layers).Concat(["pareto_skipped", "pareto_cycles"]));
        foreach (SweepPoint p in report.Points)
        {
            ReportFormat.WriteCsvRow(writer, PointColumns.Values(p, layers).Concat(
                [Flag(report.IsOnFront(p, ParetoObjective.SkippedFraction)), Flag(report.IsOnFront(p, ParetoObjective.Cycles))]));
        }
    }

    /// <summary>Writes the CSV to the file at <paramref name="path"/>, replacing it.</summary>
    public static void Save(SweepReport report, string path) => ReportFormat.Save(path, w => Write(report, w));

    private static string Flag(bool value) => value ? "true" : "false";
}
