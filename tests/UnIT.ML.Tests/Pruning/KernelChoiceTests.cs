using UnIT.ML.Evaluation;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Sweeps;
using UnIT.ML.Targets;
using UnIT.ML.Tests.Sweeps;

namespace UnIT.ML.Tests.Pruning;

/// <summary>
/// Layers run by the plain dense loop (<see cref="ThresholdSet.DenseLayers"/>): the outputs of threshold 0, every MAC
/// counted once as executed by the loop and priced at the dense MAC's cost; and the choice of such layers by cost.
/// </summary>
[TestClass]
public sealed class KernelChoiceTests
{
    private static CostTable HardwareMultiply => CostTable.Msp430HardwareMultiply;

    private static PrunedModel Model(string profile, double percentile) =>
        PrunedModel.Create(SweepData.Model, new PruningOptions { Profile = profile, Percentile = percentile }, SweepData.Calibration);

    private static InferenceStatistics Count(PrunedModel model, out float[] logits)
    {
        var stats = new InferenceStatistics();
        logits = model.Engine.Run(SweepData.Images, stats).Data;
        return stats;
    }

    [TestMethod]
    [DataRow("float32")]
    [DataRow("msp430")]
    public void A_dense_loop_layer_gives_the_outputs_of_threshold_zero_and_counts_every_MAC_as_the_loop_runs_it(string profile)
    {
        PrunedModel pruned = Model(profile, 50);
        string first = pruned.Graph.PrunableLayers[0].Name;

        PrunedModel dense = KernelChoice.RunDense(pruned, [first], SweepData.Calibration);
        PrunedModel atZero = dense.WithThresholds(dense.Thresholds with { DenseLayers = null });
        InferenceStatistics denseStats = Count(dense, out float[] denseLogits), zeroStats = Count(atZero, out float[] zeroLogits);

        CollectionAssert.AreEqual(new[] { first }, dense.Thresholds.DenseLayers);
        Assert.IsTrue(dense.Thresholds.For(first)!.All(t => t == 0f), "a dense-loop layer has threshold 0");
        CollectionAssert.AreEqual(zeroLogits, denseLogits, "the dense loop computes what threshold 0 computes");
        LayerStatistics loop = denseStats.For(first), unit = zeroStats.For(first);
        Assert.AreEqual(unit.Total, loop.Total);
        Assert.AreEqual(loop.Total, loop.Executed);
        Assert.AreEqual(loop.Total, loop.DenseMacs);
        Assert.AreEqual(0, loop.SkippedZero + loop.SkippedThreshold + loop.Comparisons + loop.WeightReads + loop.ActivationReads + loop.Division.Computations);
        Assert.IsGreaterThan(0, unit.Comparisons, "the UnIT kernel at threshold 0 still tests");
        foreach (LayerStatistics other in denseStats.Layers.Where(l => l.Layer != first))
        {
            Assert.AreEqual(zeroStats.For(other.Layer).Executed, other.Executed, other.Layer);
            Assert.AreEqual(zeroStats.For(other.Layer).SkippedThreshold, other.SkippedThreshold, other.Layer);
            Assert.AreEqual(0, other.DenseMacs, other.Layer);
        }
        LayerCostEstimate priced = CostModel.EstimateLayer(HardwareMultiply, loop);
        Assert.AreEqual(priced.DenseCycles, priced.Cycles, 1e-6, "a dense-loop layer costs what the dense build's layer costs");
    }

    [TestMethod]
    [DataRow("float32")]
    [DataRow("msp430")]
    public void A_dense_loop_skips_a_padded_convolutions_padding_as_the_generated_loop_does(string profile)
    {
        var rng = new Random(5);
        // 2 input channels of 6x7, 3 output channels, 3x3 kernel, stride 2 x 1, padding 1 / 2 (top, left) and 0 / 1 (bottom, right).
        ModelGraph graph = Kernels.TestGraphs.Conv(1, 2, 6, 7, 3, 3, 3, [2, 1], [1, 2], [0, 1], [1, 1], 1, rng);
        var batch = new Tensor(graph.Input.Shape.WithBatch(4), Kernels.TestGraphs.Random(rng, 4 * graph.InputSampleSize, 0.0));
        PrunedModel model = KernelChoice.RunDense(PrunedModel.Create(graph, new PruningOptions { Profile = profile, Percentile = 50 }, [batch]), ["conv"], [batch]);
        ConvGeometry g = ((ConvNode)graph.Layer("conv")).Geometry(graph.ShapeOf(graph.Layer("conv").Input).WithBatch(1));
        long inBounds = 0;
        for (int oh = 0; oh < g.OutH; oh++)
        {
            for (int ow = 0; ow < g.OutW; ow++)
            {
                for (int kh = 0; kh < 3; kh++)
                {
                    for (int kw = 0; kw < 3; kw++)
                    {
                        int ih = oh * 2 - 1 + kh, iw = ow - 2 + kw;
                        inBounds += ih >= 0 && ih < 6 && iw >= 0 && iw < 7 ? 3 * 2 : 0;
                    }
                }
            }
        }

        var stats = new InferenceStatistics();
        model.Engine.Run(batch, stats);

        LayerStatistics conv = stats.For("conv");
        Assert.AreEqual(4L * g.OutputSampleSize * g.ColumnRows, conv.Total);
        Assert.IsLessThan(conv.Total, 4 * inBounds, "the padding takes some MACs");
        Assert.AreEqual(4 * inBounds, conv.Executed);
        Assert.AreEqual(4 * inBounds, conv.DenseMacs);
        Assert.AreEqual(conv.Total - conv.Executed, conv.SkippedZero);
    }

    [TestMethod]
    public void A_layer_with_a_threshold_turns_dense_only_where_the_whole_model_then_costs_less()
    {
        PrunedModel pruned = Model("msp430", 10);
        InferenceStatistics stats = Count(pruned, out _);
        string[] cheaperAlone = [.. stats.Layers.Where(l => CostModel.EstimateLayer(HardwareMultiply, l) is var e && e.DenseCycles < e.Cycles).Select(l => l.Layer)];

        PrunedModel chosenModel = KernelChoice.DenseWhereCheaper(pruned, HardwareMultiply, [SweepData.Images]);
        IReadOnlyList<string> chosen = KernelChoice.CheaperDense(pruned, HardwareMultiply, [SweepData.Images]);

        Assert.IsNotEmpty(cheaperAlone, "at p = 10 some layer of this model skips too little to pay for its tests with the hardware multiplier");
        Assert.IsNotEmpty(chosen);
        CollectionAssert.AreEqual(chosenModel.Thresholds.DenseLayers, chosen.ToArray());
        CollectionAssert.IsSubsetOf(chosen.ToArray(), cheaperAlone, "only a layer whose own dense loop is cheaper is tried");
        double before = Cycles(stats), after = Cycles(Count(chosenModel, out _));
        Assert.IsLessThan(before, after);
        // Each layer tried and left out would have made the whole model dearer, counted with its effect on the layers after it.
        foreach (string left in cheaperAlone.Except(chosen))
        {
            Assert.IsGreaterThanOrEqualTo(after, Cycles(Count(KernelChoice.RunDense(chosenModel, [left], [SweepData.Images]), out _)), left);
        }
        Assert.AreSame(pruned, KernelChoice.DenseWhereCheaper(pruned, CostTable.Msp430 with { DenseMac = 1e6 }, [SweepData.Images]), "no layer changes when dense is dearer everywhere");
    }

    [TestMethod]
    public void A_layer_cheaper_alone_stays_UnIT_where_the_layers_after_it_would_lose_more_than_it_saves()
    {
        // conv1 at p30 keeps most of its MACs and the layers after it at p90 few, so a dense MAC price can make conv1's dense
        // loop cheaper than its kernel while theirs stay dearer. Dense, conv1 changes what they see and what they cost.
        ModelGraph graph = SweepData.Model;
        string first = graph.PrunableLayers[0].Name;
        PrunedModel pruned = PrunedModel.Create(graph, new PruningOptions
        {
            Profile = "msp430",
            Percentile = 90,
            LayerPercentiles = new Dictionary<string, double> { [first] = 30 },
        }, SweepData.Calibration);
        InferenceStatistics unit = Count(pruned, out _), firstDense = Count(KernelChoice.RunDense(pruned, [first], SweepData.Calibration), out _);
        CostTable paper = CostTable.Msp430;
        double After(InferenceStatistics s) => s.Layers.Where(l => l.Layer != first).Sum(l => CostModel.EstimateLayer(paper, l).Cycles);
        double lost = After(firstDense) - After(unit), own = CostModel.EstimateLayer(paper, unit.For(first)).Cycles;
        double macs = (double)firstDense.For(first).DenseMacs / firstDense.For(first).Samples;
        CostTable Saving(double saved) => paper with { DenseMac = (own - saved) / macs };

        Assert.IsGreaterThan(0, lost, "the layers after a dense conv1 cost more");
        Assert.IsGreaterThan(2 * lost, own);
        CollectionAssert.AreEqual(Array.Empty<string>(), KernelChoice.CheaperDense(pruned, Saving(lost / 2), [SweepData.Images]).ToArray(), "saves half of what the later layers lose");
        CollectionAssert.AreEqual(new[] { first }, KernelChoice.CheaperDense(pruned, Saving(2 * lost), [SweepData.Images]).ToArray(), "saves twice what the later layers lose");
    }

    private static double Cycles(InferenceStatistics stats) => stats.Layers.Sum(l => CostModel.EstimateLayer(HardwareMultiply, l).Cycles);

    [TestMethod]
    public void Corrections_are_measured_again_when_a_layer_with_a_threshold_turns_dense()
    {
        PrunedModel corrected = PrunedModel.Create(SweepData.Model,
            new PruningOptions { Profile = "msp430", Percentile = 50, BiasCorrection = true, SkipCompensation = true }, SweepData.Calibration);
        string first = corrected.Graph.PrunableLayers[0].Name;

        PrunedModel dense = KernelChoice.RunDense(corrected, [first], SweepData.Calibration);
        PrunedModel remade = PrunedModel.Create(SweepData.Model, corrected.Options with
        {
            Thresholds = dense.Thresholds with { BiasCorrections = null, SkipCompensations = null },
        }, SweepData.Calibration);

        Assert.IsFalse(dense.Thresholds.SkipCompensations!.ContainsKey(first), "a dense loop has nothing to compensate");
        Assert.IsTrue(dense.Thresholds.SkipCompensations.Count == corrected.Graph.PrunableLayers.Count - 1);
        foreach ((string layer, float[] c) in remade.Thresholds.BiasCorrections!)
        {
            CollectionAssert.AreEqual(c, dense.Thresholds.BiasCorrections![layer], $"{layer}: corrections of the new thresholds, not the old ones");
        }
        Assert.AreNotEqual(corrected.Thresholds.BiasCorrections![first][0], dense.Thresholds.BiasCorrections![first][0]);
    }

    [TestMethod]
    public void An_evaluation_with_its_zero_threshold_layers_turned_dense_equals_running_them_dense()
    {
        PrunedModel pruned = Model("msp430", 50);
        string last = pruned.Graph.PrunableLayers[^1].Name;
        PrunedModel lastOff = pruned.WithThresholds(pruned.Thresholds with
        {
            Layers = new(pruned.Thresholds.Layers) { [last] = [0f] },
            QuantizedLayers = new(pruned.Thresholds.QuantizedLayers!) { [last] = [0] },
        });
        EvaluationResult asUnit = Evaluator.Evaluate(lastOff, SweepData.Images, SweepData.Labels);
        CostTable everywhereCheaper = HardwareMultiply with { DenseMac = 1 };

        EvaluationResult rewritten = KernelChoice.WithZeroThresholdLayersDenseWhereCheaper(asUnit, lastOff, everywhereCheaper);
        EvaluationResult run = Evaluator.Evaluate(lastOff.WithThresholds(rewritten.Thresholds), SweepData.Images, SweepData.Labels);

        CollectionAssert.AreEqual(new[] { last }, rewritten.Thresholds.DenseLayers, "only the layer at threshold 0 may turn dense without changing outputs");
        for (int i = 0; i < run.Logits.Length; i++)
        {
            CollectionAssert.AreEqual(run.Logits[i], rewritten.Logits[i]);
        }
        foreach (LayerStatistics l in run.Statistics.Layers)
        {
            LayerStatistics r = rewritten.Statistics.For(l.Layer);
            Assert.AreEqual((l.Samples, l.Total, l.Executed, l.DenseMacs, l.SkippedZero, l.SkippedThreshold, l.Comparisons, l.WeightReads, l.ActivationReads),
                (r.Samples, r.Total, r.Executed, r.DenseMacs, r.SkippedZero, r.SkippedThreshold, r.Comparisons, r.WeightReads, r.ActivationReads), l.Layer);
        }
        Assert.AreEqual(run.Cost.Cycles, rewritten.Cost.Cycles, 1e-6);
        Assert.AreSame(asUnit, KernelChoice.WithZeroThresholdLayersDenseWhereCheaper(asUnit, lastOff, HardwareMultiply with { DenseMac = 1e6 }));
    }

    [TestMethod]
    public void A_search_that_runs_zero_threshold_layers_dense_reports_what_its_thresholds_cost_when_run()
    {
        var options = new SearchOptions
        {
            MaxAccuracyDrop = 0.02,
            Profile = "msp430",
            Objective = SearchObjective.Cycles,
            Costs = HardwareMultiply,
            DenseWhereCheaper = true,
            Budget = 12,
            Refinements = 0,
        };

        SearchResult search = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);
        SweepPoint again = Sweep.Evaluate(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, [search.Validation], HardwareMultiply)[0];

        Assert.IsTrue(search.Trace.Any(s => s.Point.Thresholds.DenseLayers is { Length: > 0 }), "the all-off start runs its costly layers dense");
        foreach (string layer in search.Thresholds.DenseLayers ?? [])
        {
            Assert.IsTrue(search.Thresholds.For(layer)!.All(t => t == 0f), $"{layer}: only a layer at threshold 0 turns dense in a search");
        }
        Assert.AreEqual(search.Validation.Speedup, again.Speedup, 1e-9);
        Assert.AreEqual(search.Validation.Accuracy, again.Accuracy);
        Assert.ThrowsExactly<ArgumentException>(() => (options with { Objective = SearchObjective.Macs }).Validate());
    }

    [TestMethod]
    public void Dense_loops_that_do_not_fit_the_model_are_refused_naming_the_layer()
    {
        PrunedModel pruned = Model("float32", 50);
        ModelGraph graph = pruned.Graph;
        string first = graph.PrunableLayers[0].Name;
        ThresholdSet t = pruned.Thresholds;

        var unknown = Assert.ThrowsExactly<ArgumentException>(() => (t with { DenseLayers = ["/nope"] }).Validate(graph, fixedPoint: false));
        var above = Assert.ThrowsExactly<ArgumentException>(() => (t with { DenseLayers = [first] }).Validate(graph, fixedPoint: false));
        var twice = Assert.ThrowsExactly<FormatException>(() => ThresholdSet.FromJson((t with
        {
            Layers = new(t.Layers) { [first] = [0f] },
            DenseLayers = [first, first],
        }).ToJson()));
        var notLayer = Assert.ThrowsExactly<ArgumentException>(() => KernelChoice.RunDense(pruned, ["/nope"], SweepData.Calibration));

        StringAssert.Contains(unknown.Message, "'/nope'");
        StringAssert.Contains(above.Message, $"layer '{first}' runs the dense loop but has a threshold above 0");
        StringAssert.Contains(twice.Message, "names a layer twice");
        StringAssert.Contains(notLayer.Message, "'/nope'");
        ThresholdSet saved = KernelChoice.RunDense(pruned, [first], SweepData.Calibration).Thresholds;
        CollectionAssert.AreEqual(new[] { first }, ThresholdSet.FromJson(saved.ToJson()).DenseLayers, "the choice survives a save and load");
        StringAssert.Contains(saved.ToJson(), "\"dense_layers\"");
    }
}
