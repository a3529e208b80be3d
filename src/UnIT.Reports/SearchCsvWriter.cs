using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>
/// Writes a search trace as CSV, one row per validation evaluation: its phase, whether a greedy pass took it,
/// feasibility, objective, the z and standard error it was judged with, the damage it was ranked by, the held-out
/// half's drop (cross-validation only), each layer's percentile (empty for T = 0), then every metric as in the sweep CSV.
/// </summary>
public static class SearchCsvWriter
{
    /// <summary>Writes the CSV to <paramref name="writer"/>, which is not closed.</summary>
    public static void Write(SearchReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        IReadOnlyList<SearchStep> trace = report.Result.Trace;
        string[] layers = PointColumns.LayersOf(trace.Select(s => s.Point));
        ReportFormat.WriteCsvRow(writer, new[] { "evaluation", "phase", "accepted", "feasible", "objective", "confidence_z", "standard_error", "damage", "holdout_drop" }
            .Concat(layers.Select(l => $"percentile:{l}"))
            .Concat(PointColumns.Header(layers)));
        foreach (SearchStep s in trace)
        {
            ReportFormat.WriteCsvRow(writer, new[]
                {
                    ReportFormat.Number(s.Evaluation), s.Phase.ToString(), s.Accepted ? "true" : "false",
                    s.Feasible ? "true" : "false", ReportFormat.Number(s.Objective), ReportFormat.Number(s.ConfidenceZ),
                    ReportFormat.Number(s.StandardError), ReportFormat.Number(s.Damage), ReportFormat.Number(s.HoldoutDrop),
                }
                .Concat(layers.Select(l => ReportFormat.Number(s.LayerPercentiles.GetValueOrDefault(l))))
                .Concat(PointColumns.Values(s.Point, layers)));
        }
    }

    /// <summary>Writes the CSV to the file at <paramref name="path"/>, replacing it.</summary>
    public static void Save(SearchReport report, string path) => ReportFormat.Save(path, w => Write(report, w));
}
