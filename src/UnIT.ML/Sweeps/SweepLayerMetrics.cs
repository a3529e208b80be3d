namespace UnIT.ML.Sweeps;

/// <summary>One prunable layer's share of a <see cref="SweepPoint"/>: MACs per inference, estimated cycles and its thresholds. Immutable.</summary>
public sealed record SweepLayerMetrics
{
    /// <summary>The layer's name.</summary>
    public required string Layer { get; init; }

    /// <summary>All MACs of the layer per inference.</summary>
    public required double MacsTotal { get; init; }

    /// <summary>MACs skipped for a zero operand, per inference (averaged over the samples).</summary>
    public required double MacsSkippedZero { get; init; }

    /// <summary>MACs skipped by the threshold, per inference.</summary>
    public required double MacsSkippedThreshold { get; init; }

    /// <summary>MACs executed, per inference.</summary>
    public required double MacsExecuted { get; init; }

    /// <summary>Fraction of the layer's MACs skipped (zero and threshold).</summary>
    public double SkippedFraction => MacsTotal == 0 ? 0 : (MacsSkippedZero + MacsSkippedThreshold) / MacsTotal;

    /// <summary>Estimated cycles per inference of the pruned run on the point's profile.</summary>
    public required double Cycles { get; init; }

    /// <summary>Estimated cycles per inference of the dense baseline on the same profile.</summary>
    public required double DenseCycles { get; init; }

    /// <summary>The layer's thresholds: one, or one per output channel / neuron; [0] when the layer runs dense.</summary>
    public required float[] Thresholds { get; init; }
}
