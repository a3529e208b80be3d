using System.Diagnostics;
using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.ML.Evaluation;

/// <summary>Runs a pruned model and its dense reference over labelled samples and gathers the metrics of method.md.</summary>
public static class Evaluator
{
    /// <summary>
    /// Evaluates <paramref name="model"/> on <paramref name="images"/> ([N, ...] matching the model input).
    /// <paramref name="denseLogits"/> may carry the dense float32 logits of the same images from an
    /// earlier call (sweeps reuse them); when null they are computed here. <paramref name="costs"/>, when given, prices the
    /// counts instead of the profile's own table (e.g. <see cref="CostTable.Msp430HardwareMultiply"/>).
    /// </summary>
    public static EvaluationResult Evaluate(PrunedModel model, Tensor images, IReadOnlyList<int> labels, float[]? denseLogits = null, CostTable? costs = null) =>
        Evaluate(model, images, labels, denseLogits, null, costs);

    /// <summary>
    /// As the public overload; <paramref name="quantizedDense"/>, when given, supplies the dense fixed-point metrics of a
    /// Q-format plan on these images (sweeps share them between the points of one plan instead of rerunning them), and
    /// <paramref name="countsSortedLists"/> off leaves out the sorted-list counts (<see cref="InferenceStatistics.CountsSortedLists"/>),
    /// for a caller whose tables do not price them.
    /// </summary>
    internal static EvaluationResult Evaluate(PrunedModel model, Tensor images, IReadOnlyList<int> labels, float[]? denseLogits,
        Func<QuantizationPlan, ClassificationMetrics>? quantizedDense, CostTable? costs = null, bool countsSortedLists = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != images.Shape[0])
        {
            throw new ArgumentException($"There are {images.Shape[0]} images but {labels.Count} labels.", nameof(labels));
        }
        var denseTime = Stopwatch.StartNew();
        denseLogits ??= DenseLogits(model.OriginalGraph, images);
        denseTime.Stop();

        var stats = new InferenceStatistics { CountsSortedLists = countsSortedLists };
        var prunedTime = Stopwatch.StartNew();
        Tensor logits = model.Engine.Run(images, stats);
        prunedTime.Stop();
        // A classifier's scores are everything past the batch axis: [N, 1000, 1, 1] as well as [N, 1000].
        int classes = logits.Shape.SampleSize;

        ClassificationMetrics? quantized = null;
        if (model.Profile.Numerics == NumericFormat.FixedPoint16)
        {
            QuantizationPlan plan = model.Thresholds.Quantization!;
            quantized = quantizedDense is null ? QuantizedDenseMetrics(model.OriginalGraph, plan, images, labels) : quantizedDense(plan);
        }
        int[] prunedTop = ClassificationMetrics.ArgMax(logits.Data, classes), denseTop = ClassificationMetrics.ArgMax(denseLogits, classes);
        return new EvaluationResult
        {
            Pruned = ClassificationMetrics.Compute(prunedTop, labels),
            Dense = ClassificationMetrics.Compute(denseTop, labels),
            Change = PairedChange.Of(denseTop, prunedTop, labels),
            QuantizedDense = quantized,
            Statistics = stats,
            Cost = CostModel.Estimate(costs is null ? model.Profile : model.Profile.WithCosts(costs), stats, model.Graph),
            Thresholds = model.Thresholds,
            Division = model.Division.Name,
            Profile = model.Profile.Name,
            PrunedWallTime = prunedTime.Elapsed,
            DenseWallTime = denseTime.Elapsed,
            Logits = Enumerable.Range(0, images.Shape[0]).Select(i => logits.Data.AsSpan(i * classes, classes).ToArray()).ToArray(),
        };
    }

    /// <summary>
    /// The metrics of the unpruned model run in int16 fixed point with <paramref name="plan"/>'s Q formats; a weight
    /// format made for a magnitude-pruned copy that the unpruned weights would saturate is coarsened to fit them.
    /// </summary>
    internal static ClassificationMetrics QuantizedDenseMetrics(ModelGraph graph, QuantizationPlan plan, Tensor images, IReadOnlyList<int> labels)
    {
        var config = new PruningConfiguration { Numerics = NumericFormat.FixedPoint16, Quantization = plan.WithWeightsFitting(graph) };
        Tensor q = new InferenceEngine(graph, config).Run(images);
        return ClassificationMetrics.Compute(ClassificationMetrics.ArgMax(q.Data, q.Shape.SampleSize), labels);
    }

    /// <summary>Dense float32 logits of a graph, flattened [N * classes].</summary>
    public static float[] DenseLogits(ModelGraph graph, Tensor images) => new InferenceEngine(graph).Run(images).Data;
}
