using UnIT.ML.Targets;

namespace UnIT.ML.Pruning;

/// <summary>What to prune and how: the dial of <see cref="PrunedModel.Create"/>. Immutable; change with <c>with</c>.</summary>
public sealed record PruningOptions
{
    /// <summary>Calibration percentile p (0..100) of nonzero |x*w| per layer; ignored when <see cref="Thresholds"/> is given.</summary>
    public double Percentile { get; init; } = 50;

    /// <summary>Per-layer percentiles overriding <see cref="Percentile"/> (layer name to p).</summary>
    public IReadOnlyDictionary<string, double>? LayerPercentiles { get; init; }

    /// <summary>Explicit thresholds; when set, no thresholds are calibrated.</summary>
    public ThresholdSet? Thresholds { get; init; }

    /// <summary>One threshold per output channel (conv) or neuron (fully connected).</summary>
    public bool GroupWise { get; init; }

    /// <summary>
    /// Division approximator name (exact, bitshift, binarytree, bitmask); null takes the one the given
    /// <see cref="Thresholds"/> were made for, else the profile's default.
    /// </summary>
    public string? Division { get; init; }

    /// <summary>BitShift only: start the shift count at s, so n = max(s, e(C)) (coarser thresholds for small control terms); null is plain BitShift.</summary>
    public int? BitShiftStartingShift { get; init; }

    /// <summary>
    /// BinaryTree only: weight the pivot tree by the control-term exponents met on the calibration data, so
    /// frequent exponents are found in fewer steps (same thresholds, fewer comparisons). Saved with the thresholds.
    /// </summary>
    public bool CalibrateBinaryTree { get; init; }

    /// <summary>
    /// Add to each layer's bias, per output channel / neuron, the mean that pruning took from it on the calibration
    /// data (<see cref="BiasCorrection"/>), unless the given <see cref="Thresholds"/> carry corrections already.
    /// </summary>
    public bool BiasCorrection { get; init; }

    /// <summary>
    /// Each MAC the threshold skips adds a constant calibrated for its weight instead of nothing
    /// (<see cref="SkipCompensation"/>), unless the given <see cref="Thresholds"/> carry compensations already. Computed
    /// before any <see cref="BiasCorrection"/>, which then corrects what remains.
    /// </summary>
    public bool SkipCompensation { get; init; }

    /// <summary>
    /// The calibration samples (the first this many) that <see cref="BiasCorrection"/> and <see cref="SkipCompensation"/>
    /// are measured on; null: all of them. Both are means, which settle on fewer samples than percentile thresholds need,
    /// and each costs passes over its samples (a search pays them for every state).
    /// </summary>
    public int? CorrectionSamples { get; init; }

    /// <summary>Target profile name: float32, max78000 or msp430.</summary>
    public string Profile { get; init; } = TargetProfile.DefaultName;

    /// <summary>Baseline: global magnitude pruning of all prunable weights to this sparsity (0..1) before UnIT; 0 is off.</summary>
    public double MagnitudeSparsity { get; init; }

    /// <summary>Baseline: FATReLU tau for every Relu node (outputs &lt;= tau become 0); 0 is plain Relu.</summary>
    public float FatReluTau { get; init; }

    /// <summary>Per-node FATReLU taus (Relu node name to tau), overriding <see cref="FatReluTau"/>.</summary>
    public IReadOnlyDictionary<string, float>? FatReluThresholds { get; init; }
}
