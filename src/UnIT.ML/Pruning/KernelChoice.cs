using UnIT.ML.Evaluation;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Targets;

namespace UnIT.ML.Pruning;

/// <summary>
/// Per layer, the cheaper of the UnIT kernel and the plain dense loop. A layer whose threshold skips too few MACs pays
/// more for its skip tests and kernel overhead than it saves: on the MSP430 with its hardware multiplier, an executed MAC
/// of the UnIT kernel costs about 94 cycles and a dense one 57 (<see cref="CostTable.Msp430HardwareMultiply"/>). Such a
/// layer is better run dense, which also removes its pruning error.
/// </summary>
public static class KernelChoice
{
    /// <summary>The layers <see cref="DenseWhereCheaper"/> runs by the dense loop (those already in <see cref="ThresholdSet.DenseLayers"/> included).</summary>
    /// <param name="model">The model as it runs now.</param>
    /// <param name="costs">The cycle costs that decide, e.g. <see cref="CostTable.Msp430HardwareMultiply"/>.</param>
    /// <param name="samples">Batches to count on, e.g. the calibration samples.</param>
    /// <param name="zeroThresholdsOnly">Only layers whose every threshold is 0: the choice then leaves every output as it is.</param>
    public static IReadOnlyList<string> CheaperDense(PrunedModel model, CostTable costs, IEnumerable<Tensor> samples, bool zeroThresholdsOnly = false) =>
        DenseWhereCheaper(model, costs, samples, zeroThresholdsOnly).Thresholds.DenseLayers ?? [];

    /// <summary>
    /// <paramref name="model"/> with the plain dense loop in the layers where it costs fewer cycles under <paramref name="costs"/>,
    /// counted on <paramref name="samples"/>. First every layer whose thresholds are all 0 and whose dense loop (its MACs on
    /// padding left out) the table prices below its UnIT kernel: its outputs stay, so its own cost decides. Then each layer
    /// with a threshold above 0 that the table prices the same way, tried with <see cref="RunDense"/>: its dense loop
    /// computes every MAC, which changes what the layers after it see (after a ReLU, fewer zeros to skip), so it is kept only
    /// when the whole model, counted again, costs less. Layers are tried from the last to the first, so the kernels of
    /// the layers after a try are settled. The samples are counted once, then once per try, which also measures corrections
    /// again, if any.
    /// </summary>
    /// <param name="model">The model as it runs now.</param>
    /// <param name="costs">The cycle costs that decide, e.g. <see cref="CostTable.Msp430HardwareMultiply"/>.</param>
    /// <param name="samples">Batches to count on, e.g. the calibration samples.</param>
    /// <param name="zeroThresholdsOnly">Only layers whose every threshold is 0: the choice then leaves every output as it is.</param>
    /// <returns>The model as it is when no layer's dense loop is cheaper.</returns>
    public static PrunedModel DenseWhereCheaper(PrunedModel model, CostTable costs, IEnumerable<Tensor> samples, bool zeroThresholdsOnly = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(samples);
        Tensor[] batches = [.. samples];
        if (batches.Sum(b => b.Shape[0]) == 0)
        {
            throw new ArgumentException("Choosing each layer's kernel needs at least one sample.", nameof(samples));
        }
        InferenceStatistics stats = Count(model, batches);
        string[] atZero = Choose(model.Graph, model.Thresholds, stats, costs);
        PrunedModel chosen = RunDense(model, atZero, batches);
        if (zeroThresholdsOnly)
        {
            return chosen;
        }
        stats = WithDenseLoopCounts(model.Graph, stats, atZero);
        double cycles = Cycles(costs, stats);
        foreach (PrunableNode layer in model.Graph.PrunableLayers.Reverse())
        {
            if (chosen.Thresholds.ZeroThresholds(layer.Name) || !CheaperAsDenseLoop(model.Graph, stats.For(layer.Name), costs))
            {
                continue;
            }
            PrunedModel trial = RunDense(chosen, [layer.Name], batches);
            InferenceStatistics trialStats = Count(trial, batches);
            double trialCycles = Cycles(costs, trialStats);
            if (trialCycles < cycles)
            {
                (chosen, stats, cycles) = (trial, trialStats, trialCycles);
            }
        }
        return chosen;
    }

    /// <summary>
    /// <paramref name="model"/> with <paramref name="layers"/> (and the layers that ran dense already) run by the dense
    /// loop: their thresholds set to 0 and their skip compensations removed. A layer that had a threshold above 0 now
    /// computes every MAC, which changes what the layers after it see, so bias corrections and skip compensations the
    /// thresholds had are measured again on <paramref name="samples"/> (with the model's options, as
    /// <see cref="PrunedModel.Create"/> measures them).
    /// </summary>
    /// <exception cref="ArgumentException">A name is not a prunable layer of the model.</exception>
    public static PrunedModel RunDense(PrunedModel model, IEnumerable<string> layers, IEnumerable<Tensor> samples)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(layers);
        ThresholdSet t = model.Thresholds;
        string[] dense = [.. t.DenseLayers ?? [], .. layers.Where(l => !t.RunsDenseLoop(l)).Distinct(StringComparer.Ordinal)];
        if (ThresholdSet.NotPrunable(dense, model.Graph) is { Length: > 0 } unknown)
        {
            throw new ArgumentException($"{ThresholdSet.Quote(unknown)} {(unknown.Length == 1 ? "is" : "are")} not a prunable layer of model '{model.Graph.Name}'.", nameof(layers));
        }
        if (dense.Length == (t.DenseLayers?.Length ?? 0))
        {
            return model;
        }
        if (dense.All(t.ZeroThresholds))
        {
            return model.WithThresholds(WithDenseLoops(t, dense));
        }
        ArgumentNullException.ThrowIfNull(samples);
        ThresholdSet chosen = WithDenseLoops(t, dense) with
        {
            Layers = t.Layers.ToDictionary(kv => kv.Key, kv => dense.Contains(kv.Key) ? new float[kv.Value.Length] : kv.Value, StringComparer.Ordinal),
            QuantizedLayers = t.QuantizedLayers?.ToDictionary(kv => kv.Key, kv => dense.Contains(kv.Key) ? new int[kv.Value.Length] : kv.Value, StringComparer.Ordinal),
            SkipCompensations = null,
            BiasCorrections = null,
        };
        return PrunedModel.Create(model.OriginalGraph, model.Options with
        {
            Thresholds = chosen,
            BiasCorrection = t.BiasCorrections is not null,
            SkipCompensation = t.SkipCompensations is not null,
        }, samples);
    }

    /// <summary>
    /// <paramref name="result"/> as it is with every layer whose thresholds are all 0 run by the dense loop where that is
    /// cheaper under <paramref name="costs"/>: the same outputs, the dense loop's counts for those layers, the cost again
    /// under <paramref name="model"/>'s profile, and the layers recorded in the thresholds. No second run is needed, since at
    /// T = 0 the UnIT kernel and the dense loop compute the same sums.
    /// </summary>
    internal static EvaluationResult WithZeroThresholdLayersDenseWhereCheaper(EvaluationResult result, PrunedModel model, CostTable costs)
    {
        IReadOnlyList<string> dense = Choose(model.Graph, result.Thresholds, result.Statistics, costs);
        if (dense.All(result.Thresholds.RunsDenseLoop))
        {
            return result;
        }
        InferenceStatistics stats = WithDenseLoopCounts(model.Graph, result.Statistics, dense);
        return new EvaluationResult
        {
            Pruned = result.Pruned,
            Dense = result.Dense,
            Change = result.Change,
            QuantizedDense = result.QuantizedDense,
            Statistics = stats,
            Cost = CostModel.Estimate(model.Profile, stats, model.Graph),
            Thresholds = WithDenseLoops(result.Thresholds, dense),
            Division = result.Division,
            Profile = result.Profile,
            PrunedWallTime = result.PrunedWallTime,
            DenseWallTime = result.DenseWallTime,
            Logits = result.Logits,
        };
    }

    /// <summary>The layers already dense and those whose thresholds are all 0 and whose dense loop the table prices lower.</summary>
    private static string[] Choose(ModelGraph graph, ThresholdSet t, InferenceStatistics stats, CostTable costs) =>
        // At T = 0 the rule skips only MACs with a zero operand, which add nothing and are never compensated: the outputs stay.
        [.. stats.Layers.Where(l => t.RunsDenseLoop(l.Layer) || (t.ZeroThresholds(l.Layer) && CheaperAsDenseLoop(graph, l, costs))).Select(l => l.Layer)];

    private static bool CheaperAsDenseLoop(ModelGraph graph, LayerStatistics layer, CostTable costs) =>
        CostModel.EstimateLayer(costs, DenseLoopCounts(graph, layer)).Cycles < CostModel.EstimateLayer(costs, layer).Cycles;

    /// <summary>Estimated cycles per inference of the counted layers under <paramref name="costs"/>.</summary>
    private static double Cycles(CostTable costs, InferenceStatistics stats) => stats.Layers.Sum(l => CostModel.EstimateLayer(costs, l).Cycles);

    private static InferenceStatistics Count(PrunedModel model, Tensor[] batches)
    {
        var stats = new InferenceStatistics();
        foreach (Tensor batch in batches)
        {
            model.Engine.Run(batch, stats);
        }
        return stats;
    }

    /// <summary>
    /// <paramref name="stats"/> as they are with <paramref name="dense"/>, whose thresholds are all 0, run by the dense loop:
    /// their outputs, and so every other layer's counts, stay; only their own counts become the loop's.
    /// </summary>
    private static InferenceStatistics WithDenseLoopCounts(ModelGraph graph, InferenceStatistics stats, IReadOnlyList<string> dense)
    {
        var rewritten = new InferenceStatistics();
        foreach (LayerStatistics l in stats.Layers)
        {
            rewritten.For(l.Layer).Add(dense.Contains(l.Layer) ? DenseLoopCounts(graph, l) : l);
        }
        return rewritten;
    }

    /// <summary>The counts the dense loop gives the samples of <paramref name="layer"/>: every MAC executed by it but those on padding.</summary>
    private static LayerStatistics DenseLoopCounts(ModelGraph graph, LayerStatistics layer)
    {
        PrunableNode node = graph.Layer(layer.Layer);
        long inBounds = node is ConvNode conv ? Im2Col.InBoundsMacs(conv.Geometry(graph.ShapeOf(conv.Input).WithBatch(1))) * layer.Samples : layer.Total;
        var counts = new LayerStatistics(layer.Layer) { Samples = layer.Samples };
        counts.AddDense(layer.Total, inBounds);
        return counts;
    }

    /// <summary><paramref name="t"/> with <paramref name="dense"/> as its dense-loop layers, which lose their skip compensations.</summary>
    private static ThresholdSet WithDenseLoops(ThresholdSet t, IReadOnlyList<string> dense) => t with
    {
        DenseLayers = [.. dense],
        SkipCompensations = t.SkipCompensations?.Where(kv => !dense.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
    };
}
