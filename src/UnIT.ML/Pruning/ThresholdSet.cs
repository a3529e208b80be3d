using System.Text.Json;
using System.Text.Json.Serialization;

namespace UnIT.ML.Pruning;

/// <summary>
/// Per-layer UnIT thresholds T (one per layer, or one per output channel/neuron when group-wise),
/// with a record of how they were made. Plain data: serializes to and from JSON.
/// A layer missing from <see cref="Layers"/> runs with T = 0 (dense apart from zero skipping).
/// </summary>
public sealed record ThresholdSet
{
    /// <summary>The file format version this build writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Format version of the JSON.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Layer name to its thresholds: one value, or one per output channel (conv) / neuron (fully connected).</summary>
    public Dictionary<string, float[]> Layers { get; init; } = new(StringComparer.Ordinal);

    /// <summary>How the thresholds were made: "percentile", "explicit" or "search".</summary>
    public string Method { get; init; } = "explicit";

    /// <summary>The calibration percentile p (0..100) when <see cref="Method"/> is "percentile".</summary>
    public double? Percentile { get; init; }

    /// <summary>Whether thresholds are per output channel / neuron.</summary>
    public bool GroupWise { get; init; }

    /// <summary>Number of calibration samples used (0 when none).</summary>
    public int CalibrationSamples { get; init; }

    /// <summary>The division approximator the set was made for (exact, bitshift, binarytree, bitmask).</summary>
    public string? Division { get; init; }

    /// <summary>The target profile the set was made for (float32, max78000, msp430).</summary>
    public string? Profile { get; init; }

    /// <summary>The model the set was calibrated on (file or graph name), for the record.</summary>
    public string? Model { get; init; }

    /// <summary>Q formats for fixed-point profiles, calibrated alongside the thresholds; null for float profiles.</summary>
    public QuantizationPlan? Quantization { get; init; }

    /// <summary>Thresholds of one layer, or null when the set has none for it.</summary>
    public float[]? For(string layer) => Layers.TryGetValue(layer, out float[]? t) ? t : null;

    /// <summary>Serializes to indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses JSON written by <see cref="ToJson"/>; throws <see cref="FormatException"/> naming the problem.</summary>
    public static ThresholdSet FromJson(string json, string source = "threshold JSON")
    {
        ThresholdSet? set;
        try
        {
            set = JsonSerializer.Deserialize<ThresholdSet>(json, Json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source} is not a valid threshold set: {e.Message}", e);
        }
        if (set is null)
        {
            throw new FormatException($"{source} is empty.");
        }
        if (set.FormatVersion != CurrentFormatVersion)
        {
            throw new FormatException($"{source} has threshold format version {set.FormatVersion}; this build reads version {CurrentFormatVersion}.");
        }
        foreach ((string layer, float[] values) in set.Layers)
        {
            if (values is null || values.Length == 0 || values.Any(v => !(v >= 0f) || float.IsInfinity(v)))
            {
                throw new FormatException($"{source}: layer '{layer}' needs one or more finite thresholds >= 0.");
            }
        }
        return set;
    }

    /// <summary>Writes the JSON to <paramref name="path"/>.</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson());

    /// <summary>Reads a set saved with <see cref="Save"/>.</summary>
    public static ThresholdSet Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Threshold file '{path}' does not exist.", path);
        }
        return FromJson(File.ReadAllText(path), $"Threshold file '{path}'");
    }

    /// <summary>Explicit thresholds, one per named layer.</summary>
    public static ThresholdSet Explicit(IReadOnlyDictionary<string, float> thresholds) => new()
    {
        Method = "explicit",
        Layers = thresholds.ToDictionary(kv => kv.Key, kv => new[] { kv.Value }, StringComparer.Ordinal),
    };
}
