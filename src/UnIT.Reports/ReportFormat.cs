using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace UnIT.Reports;

/// <summary>Number formats, CSV quoting and JSON settings every report shares: invariant culture, snake_case keys.</summary>
internal static class ReportFormat
{
    /// <summary>JSON as the CLI writes it: snake_case keys, indented, NaN and infinities allowed.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        // Named, so reports are written in a host that turns reflection-based JSON off by default (`dotnet run app.cs`).
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Shortest round-trip form; empty for null.</summary>
    public static string Number(double? value) => value is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    /// <summary>Shortest round-trip form of a float (not of its double widening, which shows float noise).</summary>
    public static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Fixed decimals for tables.</summary>
    public static string Fixed(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Thousands-separated whole number for tables.</summary>
    public static string Whole(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A percentile or other small setting value, e.g. "99.5".</summary>
    public static string Setting(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>Quotes a CSV field when it holds a comma, quote or line break (RFC 4180).</summary>
    public static string Csv(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Writes one CSV record.</summary>
    public static void WriteCsvRow(TextWriter writer, IEnumerable<string> fields) => writer.WriteLine(string.Join(',', fields.Select(Csv)));

    /// <summary>Writes <paramref name="write"/>'s output to <paramref name="path"/> (UTF-8, no BOM), replacing it in one step.</summary>
    public static void Save(string path, Action<TextWriter> write) => AtomicFile.WriteText(path, overwrite: true, write);

    /// <summary>Renders <paramref name="plot"/> as PNG into <paramref name="stream"/>.</summary>
    public static void WritePng(ScottPlot.Plot plot, Stream stream, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using ScottPlot.Image image = plot.GetImage(width, height);
        stream.Write(image.GetImageBytes(ScottPlot.ImageFormat.Png, 100));
    }
}
