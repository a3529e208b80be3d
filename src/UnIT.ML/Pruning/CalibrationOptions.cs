using UnIT.ML.Graph;

namespace UnIT.ML.Pruning;

/// <summary>How <see cref="Calibrator"/> derives thresholds from calibration data.</summary>
public sealed class CalibrationOptions
{
    /// <summary>The nearest-rank percentile p (0..100) of nonzero |x*w| per layer; p = 50 skips about half of a layer's nonzero MACs.</summary>
    public double Percentile { get; init; } = 50;

    /// <summary>One threshold per output channel (conv) or neuron (fully connected) instead of one per layer.</summary>
    public bool GroupWise { get; init; }

    /// <summary>Per-layer percentiles that override <see cref="Percentile"/> (layer name to p).</summary>
    public IReadOnlyDictionary<string, double>? LayerPercentiles { get; init; }

    /// <summary>FATReLU taus (Relu node name to tau) to apply in the calibration pass, so thresholds fit the model that will run.</summary>
    public IReadOnlyDictionary<string, float>? FatReluThresholds { get; init; }

    /// <summary>
    /// Fixed-point profiles: the Q formats to calibrate in. The dense pass then runs in int16 fixed point and
    /// each threshold is the nearest-rank integer product in its layer's product Q format, exact and stored in
    /// <see cref="ThresholdSet.QuantizedLayers"/>; ties are integer-exact, so no rounding can move a decision.
    /// </summary>
    public QuantizationPlan? FixedPoint { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a percentile is outside 0..100.</summary>
    public void Validate()
    {
        foreach ((string name, double p) in (LayerPercentiles ?? new Dictionary<string, double>()).Append(new("(all layers)", Percentile)))
        {
            if (!(p >= 0 && p <= 100))
            {
                throw new ArgumentOutOfRangeException(nameof(Percentile), p, $"Percentile for {name} must be between 0 and 100.");
            }
        }
    }

    /// <summary>
    /// As <see cref="Validate()"/>, and throws <see cref="ArgumentException"/> when <see cref="LayerPercentiles"/> names a
    /// layer <paramref name="graph"/> does not have: a misspelt name would leave its layer at <see cref="Percentile"/> unnoticed.
    /// </summary>
    public void Validate(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Validate();
        CheckLayerNames(graph, LayerPercentiles?.Keys ?? []);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming each of <paramref name="names"/> that is not a prunable layer of <paramref name="graph"/>.</summary>
    internal static void CheckLayerNames(ModelGraph graph, IEnumerable<string> names)
    {
        string[] unknown = ThresholdSet.NotPrunable(names, graph);
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"{ThresholdSet.Quote(unknown)} {(unknown.Length == 1 ? "is" : "are")} not a prunable layer of model " +
                $"'{graph.Name}' (its layers: {ThresholdSet.Quote(graph.PrunableLayers.Select(l => l.Name))}).");
        }
    }
}
