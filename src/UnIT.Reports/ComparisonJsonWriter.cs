using System.Text.Json;
using System.Text.Json.Nodes;
using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>Writes a <see cref="ComparisonResult"/> as JSON (snake_case keys): the title, the options and every row with its validation and test points.</summary>
public static class ComparisonJsonWriter
{
    /// <summary>Writes the JSON document to <paramref name="writer"/>, which is not closed.</summary>
    public static void Write(ComparisonResult result, string title, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(writer);
        var document = new JsonObject { ["title"] = title };
        foreach ((string key, JsonNode? value) in JsonSerializer.SerializeToNode(result, ReportFormat.Json)!.AsObject().ToArray())
        {
            document[key] = value?.DeepClone();
        }
        writer.WriteLine(document.ToJsonString(ReportFormat.Json));
    }
}
