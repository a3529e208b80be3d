using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using UnIT.ML.Division;
using UnIT.ML.Graph;

namespace UnIT.ML.Pruning;

/// <summary>
/// Per-layer UnIT thresholds T (one per layer, or one per output channel/neuron when group-wise),
/// with a record of how they were made. Plain data: serializes to and from JSON.
/// Every prunable layer of the model needs an entry (0 runs a layer dense apart from zero skipping):
/// <see cref="Validate"/> checks a set against a model before anything runs with it.
/// </summary>
public sealed record ThresholdSet
{
    /// <summary>The file format version this build writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        // Named, so a host that turns reflection-based JSON off by default (a file-based `dotnet run app.cs`, a trimmed
        // app) still reads and writes thresholds files and ML.NET models.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        AllowDuplicateProperties = false,
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

    /// <summary>
    /// Per layer, the calibration rank values v[r] (the nearest-rank percentile of the calibration products)
    /// that the thresholds in <see cref="Layers"/> sit just above; null when the thresholds were not calibrated.
    /// </summary>
    public Dictionary<string, float[]>? RankValues { get; init; }

    /// <summary>
    /// Fixed-point profiles: per layer, the thresholds T_q as integers in the layer's product Q format (input
    /// bits + weight bits), exactly as calibrated on the integer products; they take precedence over
    /// <see cref="Layers"/>, which then holds their float values for the record. Null when not calibrated in fixed point.
    /// </summary>
    public Dictionary<string, int[]>? QuantizedLayers { get; init; }

    /// <summary>The division approximator the set was made for (exact, bitshift, binarytree, bitmask).</summary>
    public string? Division { get; init; }

    /// <summary>The approximator's parameters (starting shift, calibrated pivots), so a loaded set divides as the saved one did.</summary>
    public DivisionSettings? DivisionSettings { get; init; }

    /// <summary>The target profile the set was made for (float32, max78000, msp430).</summary>
    public string? Profile { get; init; }

    /// <summary>The model the set was calibrated on (file or graph name), for the record.</summary>
    public string? Model { get; init; }

    /// <summary>
    /// <see cref="ModelGraph.WeightsFingerprint"/> of the model the set was made for (before any baseline), or null for a
    /// set written by hand or saved before it was recorded: a set that has one runs on that model only.
    /// </summary>
    public string? ModelFingerprint { get; init; }

    /// <summary>Q formats for fixed-point profiles, calibrated alongside the thresholds; null for float profiles.</summary>
    public QuantizationPlan? Quantization { get; init; }

    /// <summary>
    /// Per layer, one constant per output channel / neuron added to the layer's bias (see <see cref="BiasCorrection"/>):
    /// what the skipped MACs contributed on average on the calibration data. Null, or a layer left out, adds nothing.
    /// </summary>
    public Dictionary<string, float[]>? BiasCorrections { get; init; }

    /// <summary>
    /// Per layer, two constants per weight (see <see cref="SkipCompensation"/>): the first half, in
    /// the weight's order, is added for each MAC the threshold skips with a positive activation, the second half for one
    /// with a negative activation. Null, or a layer left out, adds nothing (plain UnIT).
    /// </summary>
    public Dictionary<string, float[]>? SkipCompensations { get; init; }

    /// <summary>
    /// The magnitude-pruning sparsity the thresholds were made on (a baseline under UnIT), or null for none: a loaded
    /// set runs on it again (<see cref="PrunedModel.Create"/>), as its thresholds only hold with those weights removed.
    /// </summary>
    public double? MagnitudeSparsity { get; init; }

    /// <summary>The FATReLU taus (Relu node name to tau) the thresholds were made on, or null for none; reapplied as <see cref="MagnitudeSparsity"/> is.</summary>
    public Dictionary<string, float>? FatRelu { get; init; }

    /// <summary>
    /// Layers a deployed build runs by the plain dense loop instead of the UnIT kernel, where that loop costs fewer cycles
    /// (see <see cref="KernelChoice"/>); each has threshold 0 and no skip compensation, so the outputs are those of threshold 0
    /// (a bias correction stays: it is folded into the bias) and only the counts and the cost differ: every MAC executed,
    /// nothing tested. Null or empty: every layer runs the UnIT kernel.
    /// </summary>
    public string[]? DenseLayers { get; init; }

    /// <summary>Whether <paramref name="layer"/> is one of <see cref="DenseLayers"/>.</summary>
    public bool RunsDenseLoop(string layer) => DenseLayers is { } d && Array.IndexOf(d, layer) >= 0;

    /// <summary>Whether every threshold of <paramref name="layer"/> is 0, float and integer alike (a layer the set has none for counts as 0).</summary>
    internal bool ZeroThresholds(string layer) => (For(layer) ?? [0f]).All(v => v == 0f) && (QuantizedFor(layer) ?? [0]).All(v => v == 0);

    /// <summary>Thresholds of one layer, or null when the set has none for it.</summary>
    public float[]? For(string layer) => Layers.TryGetValue(layer, out float[]? t) ? t : null;

    /// <summary>Integer thresholds of one layer in its product Q format, or null when the set has none for it.</summary>
    public int[]? QuantizedFor(string layer) => QuantizedLayers is not null && QuantizedLayers.TryGetValue(layer, out int[]? t) ? t : null;

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
            string where = string.IsNullOrEmpty(e.Path) ? "" : $" (at {e.Path})";
            throw new FormatException($"{source} is not a valid threshold set: {e.Message}{where}", e);
        }
        if (set is null)
        {
            throw new FormatException($"{source} is empty.");
        }
        if (set.FormatVersion != CurrentFormatVersion)
        {
            throw new FormatException($"{source} has threshold format version {set.FormatVersion}; this build reads version {CurrentFormatVersion}.");
        }
        if (set.Layers is null || set.Layers.Count == 0)
        {
            throw new FormatException($"{source} has no \"layers\" with thresholds.");
        }
        // As ModelGraph.WeightsFingerprint writes it; an edited one would refuse every model with a puzzling message.
        if (set.ModelFingerprint is { } fingerprint && !(fingerprint.Length == 32 && fingerprint.All(char.IsAsciiHexDigitLower)))
        {
            throw new FormatException($"{source} has \"model_fingerprint\" '{fingerprint}'; it must be 32 lowercase hex digits, or be left out.");
        }
        try
        {
            CheckValues(set.Layers, "threshold");
            CheckValues(set.RankValues, "rank value");
            CheckCorrections(set.BiasCorrections, "bias correction");
            CheckCorrections(set.SkipCompensations, "skip compensation");
            set.CheckQuantizedLayers();
            set.CheckDenseLayerNames();
            set.Quantization?.CheckRanges();
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{source}: {e.Message}", e);
        }
        return set;
    }

    /// <summary>
    /// Checks the set against the model it is to run with: one entry for every prunable layer and for no
    /// other name, 1 or one-per-output-channel finite thresholds &gt;= 0 each, and, for fixed-point
    /// profiles (<paramref name="fixedPoint"/>), Q formats for every value and weight within range.
    /// </summary>
    /// <exception cref="ArgumentException">Naming every layer or value that is missing, unknown or invalid.</exception>
    public void Validate(ModelGraph graph, bool fixedPoint)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (Layers is null)
        {
            throw new ArgumentException("The threshold set has no layers.");
        }
        CheckValues(Layers, "threshold");
        CheckCorrections(BiasCorrections, "bias correction");
        CheckCorrections(SkipCompensations, "skip compensation");
        var problems = new List<string>();
        string[] missing = graph.PrunableLayers.Select(l => l.Name).Where(n => !Layers.ContainsKey(n)).ToArray();
        if (missing.Length > 0)
        {
            problems.Add($"no thresholds for layer(s) {Quote(missing)} (give 0 to run a layer unpruned)");
        }
        string[] unknown = NotPrunable(Layers.Keys, graph);
        if (unknown.Length > 0)
        {
            problems.Add($"thresholds for {Quote(unknown)}, which {(unknown.Length == 1 ? "is" : "are")} not a prunable layer of model '{graph.Name}' " +
                $"(its layers: {Quote(graph.PrunableLayers.Select(l => l.Name))})");
        }
        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            if (Layers.TryGetValue(layer.Name, out float[]? t) && t.Length != 1 && t.Length != layer.OutputChannels)
            {
                problems.Add($"layer '{layer.Name}' has {layer.OutputChannels} output channels but {t.Length} thresholds (give 1 or {layer.OutputChannels})");
            }
            if (BiasCorrections is not null && BiasCorrections.TryGetValue(layer.Name, out float[]? c) && c.Length != layer.OutputChannels)
            {
                problems.Add($"layer '{layer.Name}' has {layer.OutputChannels} output channels but {c.Length} bias corrections");
            }
            if (SkipCompensations is not null && SkipCompensations.TryGetValue(layer.Name, out float[]? k) && k.Length != 2 * layer.Weight.Data.Length)
            {
                problems.Add($"layer '{layer.Name}' has {layer.Weight.Data.Length} weights but {k.Length} skip compensations (give 2 per weight)");
            }
        }
        CheckDenseLayerNames();
        string[] strayDense = NotPrunable(DenseLayers ?? [], graph);
        if (strayDense.Length > 0)
        {
            problems.Add($"dense loops for {Quote(strayDense)}, which {(strayDense.Length == 1 ? "is" : "are")} not a prunable layer of model '{graph.Name}'");
        }
        foreach (string layer in DenseLayers ?? [])
        {
            if (!ZeroThresholds(layer))
            {
                problems.Add($"layer '{layer}' runs the dense loop but has a threshold above 0 (a dense loop skips nothing; give 0)");
            }
            if (SkipCompensations?.ContainsKey(layer) == true)
            {
                problems.Add($"layer '{layer}' runs the dense loop but has skip compensations (a dense loop skips nothing to compensate)");
            }
        }
        foreach ((Dictionary<string, float[]>? values, string what) in new[] { (BiasCorrections, "bias corrections"), (SkipCompensations, "skip compensations") })
        {
            string[] strays = NotPrunable(values?.Keys ?? Enumerable.Empty<string>(), graph);
            if (strays.Length > 0)
            {
                problems.Add($"{what} for {Quote(strays)}, which {(strays.Length == 1 ? "is" : "are")} not a prunable layer of model '{graph.Name}'");
            }
        }
        if (problems.Count > 0)
        {
            throw new ArgumentException($"The threshold set does not fit model '{graph.Name}': {string.Join("; ", problems)}.");
        }
        if (fixedPoint)
        {
            if (Quantization is null)
            {
                throw new ArgumentException("Fixed-point inference needs Q formats (\"quantization\"); calibrate them for this model.");
            }
            Quantization.Validate(graph);
        }
        CheckQuantizedLayers(graph);
    }

    /// <summary>
    /// Integer thresholds need one entry per layer of <see cref="Layers"/> with as many values, each &gt;= 0, and,
    /// given the model and Q formats, equal to the float thresholds up to float rounding (an edit of one
    /// without the other is refused rather than silently overridden).
    /// </summary>
    private void CheckQuantizedLayers(ModelGraph? graph = null)
    {
        foreach ((string layer, int[] values) in QuantizedLayers ?? [])
        {
            if (values is null || !Layers.TryGetValue(layer, out float[]? floats) || floats.Length != values.Length || values.Any(v => v < 0))
            {
                throw new ArgumentException($"Layer '{layer}' has quantized thresholds that do not match its thresholds in \"layers\" (same count, each >= 0).");
            }
            if (graph is null || Quantization is null || !graph.PrunableLayers.Any(l => l.Name == layer))
            {
                continue;
            }
            int productBits = Quantization.ValueBits(graph.Layer(layer).Input) + Quantization.WeightBits(layer);
            for (int g = 0; g < values.Length; g++)
            {
                long fromFloat = Kernels.FixedPointMath.QuantizeWide(floats[g], productBits);
                if (Math.Abs(fromFloat - values[g]) > Math.Max(1, values[g] >> 22))
                {
                    throw new ArgumentException(
                        $"Layer '{layer}': quantized threshold {values[g]} does not match threshold {floats[g]} in Q{productBits} ({fromFloat}); edit both or remove \"quantized_layers\".");
                }
            }
        }
    }

    private void CheckDenseLayerNames()
    {
        if (DenseLayers is null)
        {
            return;
        }
        if (DenseLayers.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("\"dense_layers\" holds an empty or null layer name.");
        }
        if (DenseLayers.Distinct(StringComparer.Ordinal).Count() != DenseLayers.Length)
        {
            throw new ArgumentException($"\"dense_layers\" names a layer twice: {Quote(DenseLayers.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))}.");
        }
    }

    private static void CheckValues(Dictionary<string, float[]>? layers, string what)
    {
        foreach ((string layer, float[] values) in layers ?? [])
        {
            if (values is null || values.Length == 0)
            {
                throw new ArgumentException($"Layer '{layer}' has no {what}s; give one, or one per output channel.");
            }
            int bad = Array.FindIndex(values, v => !(v >= 0f) || float.IsInfinity(v));
            if (bad >= 0)
            {
                throw new ArgumentException($"Layer '{layer}' has {what} {values[bad]} at index {bad}; {what}s must be finite and >= 0.");
            }
        }
    }

    /// <summary>
    /// Refuses corrections measured on calibration data that came out non-finite, naming the layer and the data as the cause
    /// (calibration with given thresholds never looks at the data's values, so NaN or infinity there would end up here).
    /// </summary>
    internal static void CheckMeasured(Dictionary<string, float[]> values, string what)
    {
        try
        {
            CheckCorrections(values, what);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{e.Message} The calibration data holds NaN or infinity, or its values overflow float32.", "calibration", e);
        }
    }

    private static void CheckCorrections(Dictionary<string, float[]>? corrections, string what)
    {
        foreach ((string layer, float[] values) in corrections ?? [])
        {
            int bad = values is null ? -1 : Array.FindIndex(values, v => !float.IsFinite(v));
            if (values is null || bad >= 0)
            {
                throw new ArgumentException(values is null
                    ? $"Layer '{layer}' has no {what}s; give them or leave the layer out."
                    : $"Layer '{layer}' has {what} {values[bad]} at index {bad}; {what}s must be finite.");
            }
        }
    }

    /// <summary>Those of <paramref name="names"/> that are not a prunable layer of <paramref name="graph"/>.</summary>
    internal static string[] NotPrunable(IEnumerable<string> names, ModelGraph graph) =>
        names.Where(n => !graph.PrunableLayers.Any(l => l.Name == n)).ToArray();

    /// <summary>The names quoted and comma-separated, for messages.</summary>
    internal static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    /// <summary>Writes the JSON to <paramref name="path"/>.</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson());

    /// <summary>Reads a set saved with <see cref="Save"/>.</summary>
    public static ThresholdSet Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(Directory.Exists(path)
                ? $"Threshold file '{path}' is a folder; give the JSON file in it (e.g. thresholds.json)."
                : $"Threshold file '{path}' does not exist.", path);
        }
        return FromJson(File.ReadAllText(path), $"Threshold file '{path}'");
    }

    /// <summary>T = 0 for every prunable layer of <paramref name="graph"/>: dense apart from zero skipping.</summary>
    public static ThresholdSet Zero(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return Explicit(graph.PrunableLayers.ToDictionary(l => l.Name, _ => 0f));
    }

    /// <summary>Explicit thresholds, one per named layer (every prunable layer of the model must be named).</summary>
    public static ThresholdSet Explicit(IReadOnlyDictionary<string, float> thresholds) => new()
    {
        Method = "explicit",
        Layers = thresholds.ToDictionary(kv => kv.Key, kv => new[] { kv.Value }, StringComparer.Ordinal),
    };
}
