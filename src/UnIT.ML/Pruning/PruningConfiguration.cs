using UnIT.ML.Division;
using UnIT.ML.Targets;

namespace UnIT.ML.Pruning;

/// <summary>
/// How an <see cref="Engine.InferenceEngine"/> runs: thresholds, division approximator, arithmetic
/// and the FATReLU baseline. Immutable; the default is dense float32.
/// </summary>
public sealed class PruningConfiguration
{
    /// <summary>Dense float32 inference: no thresholds, no FATReLU.</summary>
    public static PruningConfiguration Dense { get; } = new();

    /// <summary>Per-layer thresholds; null runs every layer with T = 0 (only zero skipping).</summary>
    public ThresholdSet? Thresholds { get; init; }

    /// <summary>The approximation of T / |C|; <see cref="ExactDivision"/> by default.</summary>
    public IDivisionApproximator Division { get; init; } = new ExactDivision();

    /// <summary>Float32, or int16 fixed point (which needs <see cref="Quantization"/>).</summary>
    public NumericFormat Numerics { get; init; } = NumericFormat.Float32;

    /// <summary>Q formats for <see cref="NumericFormat.FixedPoint16"/>.</summary>
    public QuantizationPlan? Quantization { get; init; }

    /// <summary>FATReLU baseline: Relu node name to tau; outputs &lt;= tau become 0. Null or missing: plain Relu.</summary>
    public IReadOnlyDictionary<string, float>? FatReluThresholds { get; init; }

    /// <summary>True when no threshold is set (all layers T = 0).</summary>
    public bool IsDense => Thresholds is null || Thresholds.Layers.Values.All(t => t.All(v => v == 0f));
}
