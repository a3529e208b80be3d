using System.Text.Json;
using System.Text.Json.Nodes;

namespace UnIT.Reports;

/// <summary>
/// Writes a search as JSON (snake_case keys): the title, the options, the chosen thresholds and layer
/// percentiles, the validation metrics of the result and of the best single percentile, the test metrics
/// when measured, and the whole trace.
/// </summary>
public static class SearchJsonWriter
{
    /// <summary>Writes the JSON document to <paramref name="writer"/>, which is not closed.</summary>
    public static void Write(SearchReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        JsonObject document = TitledJsonWriter.Document(report.Result, report.Title);
        document["test"] = JsonSerializer.SerializeToNode(report.Test, ReportFormat.Json);
        document["uniform_test"] = JsonSerializer.SerializeToNode(report.UniformTest, ReportFormat.Json);
        writer.WriteLine(document.ToJsonString(ReportFormat.Json));
    }

    /// <summary>Writes the JSON to the file at <paramref name="path"/>, replacing it.</summary>
    public static void Save(SearchReport report, string path) => ReportFormat.Save(path, w => Write(report, w));
}
