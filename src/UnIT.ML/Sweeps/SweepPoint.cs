using UnIT.ML.Evaluation;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.ML.Sweeps;

/// <summary>
/// One evaluated setting of a sweep or search: its <see cref="Coordinates"/> and every metric docs/method.md
/// asks a report to carry, measured on one labelled set. MAC counts, cycles and energy are per inference,
/// averaged over the samples. Immutable.
/// </summary>
public sealed record SweepPoint
{
    /// <summary>How the thresholds were made and what the point ran on.</summary>
    public required SweepCoordinates Coordinates { get; init; }

    /// <summary>Samples evaluated.</summary>
    public required int Samples { get; init; }

    /// <summary>Accuracy of the pruned model (0..1).</summary>
    public required double Accuracy { get; init; }

    /// <summary>Macro-averaged F1 of the pruned model.</summary>
    public required double F1Macro { get; init; }

    /// <summary>Accuracy of the dense float32 model as given, on the same samples.</summary>
    public required double DenseAccuracy { get; init; }

    /// <summary>For fixed-point profiles, accuracy of the quantized model without pruning; null for float profiles.</summary>
    public double? QuantizedDenseAccuracy { get; init; }

    /// <summary>Dense accuracy minus pruned accuracy (positive is a loss).</summary>
    public double AccuracyDrop => DenseAccuracy - Accuracy;

    /// <summary>Samples the dense model classifies right and the pruned one wrong; null when not measured.</summary>
    public int? SamplesLost { get; init; }

    /// <summary>Samples the dense model classifies wrong and the pruned one right; null when not measured.</summary>
    public int? SamplesGained { get; init; }

    /// <summary>
    /// Standard error of <see cref="AccuracyDrop"/> from the paired disagreements with the dense model,
    /// sqrt(b + c - (b - c)^2 / N) / N with b = <see cref="SamplesLost"/>, c = <see cref="SamplesGained"/>;
    /// null when they were not measured.
    /// </summary>
    public double? AccuracyDropStandardError => SamplesLost is int b && SamplesGained is int c && Samples > 0
        ? PairedChange.StandardErrorOf(b, c, Samples)
        : null;

    /// <summary>Per-sample comparison with the dense model, for the search's criteria; not reported.</summary>
    internal SampleOutcomes? Outcomes { get; init; }

    /// <summary>All MACs of the prunable layers per inference.</summary>
    public required double MacsTotal { get; init; }

    /// <summary>MACs skipped for a zero operand, per inference.</summary>
    public required double MacsSkippedZero { get; init; }

    /// <summary>MACs skipped by threshold, per inference.</summary>
    public required double MacsSkippedThreshold { get; init; }

    /// <summary>MACs executed, per inference.</summary>
    public required double MacsExecuted { get; init; }

    /// <summary>Of <see cref="MacsSkippedThreshold"/>, those that added a skip-compensation constant (one add each), per inference.</summary>
    public double MacsCompensated { get; init; }

    /// <summary>Fraction of all MACs skipped (zero and threshold).</summary>
    public double SkippedFraction => MacsTotal == 0 ? 0 : (MacsSkippedZero + MacsSkippedThreshold) / MacsTotal;

    /// <summary>Fraction of all MACs skipped with a skip-compensation add (part of <see cref="SkippedFraction"/>).</summary>
    public double CompensatedFraction => MacsTotal == 0 ? 0 : MacsCompensated / MacsTotal;

    /// <summary>Estimated cycles per inference of the pruned run on <see cref="SweepCoordinates.Profile"/>.</summary>
    public required double Cycles { get; init; }

    /// <summary>Estimated cycles per inference of the dense baseline (nothing skipped, nothing compared) on the same profile.</summary>
    public required double DenseCycles { get; init; }

    /// <summary>Estimated energy per inference of the pruned run, µJ.</summary>
    public required double EnergyMicrojoules { get; init; }

    /// <summary>Estimated energy per inference of the dense baseline, µJ.</summary>
    public required double DenseEnergyMicrojoules { get; init; }

    /// <summary>Estimated speed-up, dense / pruned cycles.</summary>
    public required double Speedup { get; init; }

    /// <summary>Host wall time of the pruned (counting) run over all samples, in seconds.</summary>
    public required double WallSeconds { get; init; }

    /// <summary>The thresholds used, with how they were made, the approximator and the profile.</summary>
    public required ThresholdSet Thresholds { get; init; }

    /// <summary>Per-layer MACs, cycles and thresholds, in execution order.</summary>
    public required IReadOnlyList<SweepLayerMetrics> Layers { get; init; }

    /// <summary>Condenses an <see cref="EvaluationResult"/> into a point at <paramref name="coordinates"/>.</summary>
    /// <param name="coordinates">Where the point sits.</param>
    /// <param name="result">The evaluation.</param>
    /// <param name="cost">The cost estimate to report instead of <see cref="EvaluationResult.Cost"/> (e.g. under another cost table); null keeps the result's.</param>
    public static SweepPoint FromEvaluation(SweepCoordinates coordinates, EvaluationResult result, CostEstimate? cost = null)
    {
        ArgumentNullException.ThrowIfNull(coordinates);
        ArgumentNullException.ThrowIfNull(result);
        cost ??= result.Cost;
        InferenceStatistics stats = result.Statistics;
        double samples = Math.Max(1, stats.Samples);
        var layers = new List<SweepLayerMetrics>(stats.Layers.Count);
        foreach (LayerStatistics l in stats.Layers)
        {
            LayerCostEstimate layerCost = cost.Layers.First(c => c.Layer == l.Layer);
            layers.Add(new SweepLayerMetrics
            {
                Layer = l.Layer,
                MacsTotal = l.Total / (double)l.Samples,
                MacsSkippedZero = l.SkippedZero / (double)l.Samples,
                MacsSkippedThreshold = l.SkippedThreshold / (double)l.Samples,
                MacsExecuted = l.Executed / (double)l.Samples,
                Cycles = layerCost.Cycles,
                DenseCycles = layerCost.DenseCycles,
                Thresholds = result.Thresholds.For(l.Layer) ?? [0f],
            });
        }
        return new SweepPoint
        {
            Coordinates = coordinates,
            Samples = result.Pruned.Samples,
            Accuracy = result.Pruned.Accuracy,
            F1Macro = result.Pruned.F1Macro,
            DenseAccuracy = result.Dense.Accuracy,
            QuantizedDenseAccuracy = result.QuantizedDense?.Accuracy,
            SamplesLost = result.Change.Lost,
            SamplesGained = result.Change.Gained,
            MacsTotal = stats.Total / samples,
            MacsSkippedZero = stats.SkippedZero / samples,
            MacsSkippedThreshold = stats.SkippedThreshold / samples,
            MacsExecuted = stats.Executed / samples,
            MacsCompensated = stats.Compensations / samples,
            Cycles = cost.Cycles,
            DenseCycles = cost.DenseCycles,
            EnergyMicrojoules = cost.EnergyMicrojoules,
            DenseEnergyMicrojoules = cost.DenseEnergyMicrojoules,
            Speedup = cost.Speedup,
            WallSeconds = result.PrunedWallTime.TotalSeconds,
            Thresholds = result.Thresholds,
            Layers = layers,
        };
    }
}
