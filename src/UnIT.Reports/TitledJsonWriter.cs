using System.Text.Json;
using System.Text.Json.Nodes;

namespace UnIT.Reports;

/// <summary>
/// Writes a report result (a comparison, a domain-shift run, a search) as one JSON object (snake_case keys): the
/// title first, then the result's own properties.
/// </summary>
public static class TitledJsonWriter
{
    /// <summary>Writes the JSON document to <paramref name="writer"/>, which is not closed.</summary>
    /// <typeparam name="T">The result's type, whose public properties become the document's keys.</typeparam>
    public static void Write<T>(T result, string title, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(Document(result, title).ToJsonString(ReportFormat.Json));
    }

    /// <summary>The document: <c>title</c>, then every property of <paramref name="result"/>, for callers that add more keys.</summary>
    internal static JsonObject Document<T>(T result, string title)
    {
        ArgumentNullException.ThrowIfNull(result);
        var document = new JsonObject { ["title"] = title };
        foreach ((string key, JsonNode? value) in JsonSerializer.SerializeToNode(result, ReportFormat.Json)!.AsObject().ToArray())
        {
            document[key] = value?.DeepClone();
        }
        return document;
    }
}
