using System.Text.Json;
using System.Text.Json.Serialization;

namespace UnIT.Cli.Output;

/// <summary>How every command writes JSON: snake_case keys, floats in their shortest round-trip form.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // A diverging model may produce NaN or infinities; write them rather than fail.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes <paramref name="value"/> as one JSON document and a newline.</summary>
    public static void Write<T>(TextWriter writer, T value)
    {
        writer.WriteLine(JsonSerializer.Serialize(value, Options));
    }
}
