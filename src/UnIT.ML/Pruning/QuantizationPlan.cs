namespace UnIT.ML.Pruning;

/// <summary>
/// Power-of-two Q formats for the fixed-point profile, chosen from calibration ranges: the number
/// of fractional bits of every graph value (activation tensor) and of every prunable layer's weights.
/// </summary>
public sealed class QuantizationPlan
{
    /// <summary>Value name to its fractional bits.</summary>
    public Dictionary<string, int> Values { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Prunable layer name to its weights' fractional bits.</summary>
    public Dictionary<string, int> Weights { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Fractional bits of a value; throws when the plan does not cover it.</summary>
    public int ValueBits(string value) => Values.TryGetValue(value, out int f)
        ? f
        : throw new InvalidOperationException($"The quantization plan has no Q format for value '{value}'; calibrate it for this model.");

    /// <summary>Fractional bits of a layer's weights; throws when the plan does not cover it.</summary>
    public int WeightBits(string layer) => Weights.TryGetValue(layer, out int f)
        ? f
        : throw new InvalidOperationException($"The quantization plan has no Q format for the weights of layer '{layer}'; calibrate it for this model.");
}
