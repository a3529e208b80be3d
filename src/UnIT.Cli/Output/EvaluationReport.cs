using UnIT.ML.Evaluation;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.Cli.Output;

/// <summary>The JSON document of <c>evaluate</c>: every metric method.md asks a report to carry.</summary>
internal sealed record EvaluationReport(
    string Model,
    int Samples,
    string Division,
    string Profile,
    double Accuracy,
    double DenseAccuracy,
    double? QuantizedDenseAccuracy,
    double AccuracyDrop,
    double AccuracyDropStandardError,
    int SamplesLost,
    int SamplesGained,
    double F1Macro,
    double DenseF1Macro,
    EvaluationReport.MacCounts Macs,
    double SkippedFraction,
    IReadOnlyList<EvaluationReport.Layer> Layers,
    IReadOnlyList<NodeCostEstimate> OtherNodes,
    EvaluationReport.Pair Cycles,
    EvaluationReport.Pair EnergyUj,
    double Speedup,
    EvaluationReport.Pair WallMs,
    double ThresholdComputationsPerInference,
    double AverageSearchDepth,
    ThresholdSet Thresholds)
{
    /// <summary>
    /// MAC counts summed over all evaluated samples; <c>Compensated</c> counts the threshold skips that added a
    /// skip-compensation constant (one add, no multiply).
    /// </summary>
    public sealed record MacCounts(long Total, long SkippedZero, long SkippedThreshold, long Executed, long Compensated);

    /// <summary>One prunable layer's threshold(s) and counts.</summary>
    public sealed record Layer(string Name, float[] Threshold, long Total, long SkippedZero, long SkippedThreshold, long Executed, long Comparisons, double Cycles, double DenseCycles);

    /// <summary>A dense and a pruned figure.</summary>
    public sealed record Pair(double Dense, double Pruned);

    /// <summary>Builds the report of one evaluation.</summary>
    public static EvaluationReport From(string model, EvaluationResult r)
    {
        InferenceStatistics s = r.Statistics;
        long computations = s.Layers.Sum(l => l.Division.Computations);
        var layers = s.Layers.Select((l, i) => new Layer(
            l.Layer, r.Thresholds.For(l.Layer) ?? [0f], l.Total, l.SkippedZero, l.SkippedThreshold, l.Executed, l.Comparisons,
            r.Cost.Layers[i].Cycles, r.Cost.Layers[i].DenseCycles)).ToArray();
        return new EvaluationReport(
            model, r.Pruned.Samples, r.Division, r.Profile,
            r.Pruned.Accuracy, r.Dense.Accuracy, r.QuantizedDense?.Accuracy, r.AccuracyDrop, r.AccuracyDropStandardError,
            r.Change.Lost, r.Change.Gained, r.Pruned.F1Macro, r.Dense.F1Macro,
            new MacCounts(s.Total, s.SkippedZero, s.SkippedThreshold, s.Executed, s.Compensations), s.SkippedFraction, layers, r.Cost.Nodes,
            new Pair(r.Cost.DenseCycles, r.Cost.Cycles), new Pair(r.Cost.DenseEnergyMicrojoules, r.Cost.EnergyMicrojoules), r.Cost.Speedup,
            new Pair(r.DenseWallTime.TotalMilliseconds, r.PrunedWallTime.TotalMilliseconds),
            (double)computations / Math.Max(1, r.Pruned.Samples),
            // Compare steps per threshold computation: BinaryTree's average search depth (BitShift's loop tests).
            computations == 0 ? 0 : (double)s.Layers.Sum(l => l.Division.Comparisons) / computations,
            r.Thresholds);
    }
}
