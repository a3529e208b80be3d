using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.ML.Evaluation;

/// <summary>Everything method.md asks every report to carry, for one pruned model on one labelled set.</summary>
public sealed class EvaluationResult
{
    /// <summary>Metrics of the pruned model.</summary>
    public required ClassificationMetrics Pruned { get; init; }

    /// <summary>Metrics of the dense float32 model as given (the reference for accuracy drop).</summary>
    public required ClassificationMetrics Dense { get; init; }

    /// <summary>For fixed-point profiles: metrics of the quantized model without pruning (what quantization alone costs); else null.</summary>
    public ClassificationMetrics? QuantizedDense { get; init; }

    /// <summary>Dense accuracy minus pruned accuracy (positive is a loss).</summary>
    public double AccuracyDrop => Dense.Accuracy - Pruned.Accuracy;

    /// <summary>The samples the pruning lost and gained against the dense float32 model: the drop's paired counts.</summary>
    public required PairedChange Change { get; init; }

    /// <summary>The paired standard error of <see cref="AccuracyDrop"/> (<see cref="PairedChange.StandardError"/>).</summary>
    public double AccuracyDropStandardError => Change.StandardError;

    /// <summary>Exact per-layer MAC counts of the pruned run, summed over all samples.</summary>
    public required InferenceStatistics Statistics { get; init; }

    /// <summary>Estimated cycles and energy per inference, pruned and dense, on the profile's cost table.</summary>
    public required CostEstimate Cost { get; init; }

    /// <summary>The thresholds used, with how they were made.</summary>
    public required ThresholdSet Thresholds { get; init; }

    /// <summary>The division approximator's name.</summary>
    public required string Division { get; init; }

    /// <summary>The target profile's name.</summary>
    public required string Profile { get; init; }

    /// <summary>Host wall time of the pruned run (counting kernels) over all samples.</summary>
    public required TimeSpan PrunedWallTime { get; init; }

    /// <summary>Host wall time of the dense float32 run over all samples.</summary>
    public required TimeSpan DenseWallTime { get; init; }

    /// <summary>Logits of the pruned run, one row per sample in input order.</summary>
    public required float[][] Logits { get; init; }
}
