using System.Text.Json;
using System.Text.Json.Nodes;
using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>
/// Writes sweep points as JSON (snake_case keys): <c>{"title", "points": [...]}</c>, each point with its
/// coordinates, series, all metrics, per-layer metrics, thresholds and Pareto-front membership.
/// </summary>
public static class SweepJsonWriter
{
    /// <summary>Writes the JSON document to <paramref name="writer"/>, which is not closed.</summary>
    public static void Write(SweepReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        var points = new JsonArray();
        foreach (SweepPoint p in report.Points)
        {
            JsonObject node = ToNode(p);
            node["pareto_skipped"] = report.IsOnFront(p, ParetoObjective.SkippedFraction);
            node["pareto_cycles"] = report.IsOnFront(p, ParetoObjective.Cycles);
            points.Add(node);
        }
        var document = new JsonObject { ["title"] = report.Title, ["points"] = points };
        writer.WriteLine(document.ToJsonString(ReportFormat.Json));
    }

    /// <summary>Writes the JSON to the file at <paramref name="path"/>, replacing it.</summary>
    public static void Save(SweepReport report, string path) => ReportFormat.Save(path, w => Write(report, w));

    /// <summary>A point as a JSON object (computed properties such as the series and the skipped fraction included).</summary>
    internal static JsonObject ToNode(SweepPoint point) => JsonSerializer.SerializeToNode(point, ReportFormat.Json)!.AsObject();
}
