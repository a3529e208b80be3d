using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.ML.Targets.Tests;

[TestClass]
public sealed class CostModelTests
{
    // Two layers, counts summed over 2 samples.
    private static InferenceStatistics HandBuilt()
    {
        var stats = new InferenceStatistics();
        LayerStatistics fc = stats.For("fc");
        fc.Samples = 2;
        fc.Total = 1000;
        fc.SkippedZero = 300;
        fc.SkippedThreshold = 400;
        fc.Executed = 300;
        fc.Comparisons = 900;
        fc.WeightReads = 600;
        fc.ActivationReads = 100;
        fc.Division = new DivisionOps { Computations = 50, Shifts = 200, Comparisons = 150 };
        LayerStatistics conv = stats.For("conv");
        conv.Samples = 2;
        conv.Total = 2000;
        conv.SkippedZero = 500;
        conv.SkippedThreshold = 500;
        conv.Executed = 1000;
        conv.Comparisons = 1500;
        conv.WeightReads = 1200;
        conv.ActivationReads = 1400;
        conv.Division = new DivisionOps { Computations = 10, Divisions = 10, Shifts = 6, Comparisons = 8, MaskOps = 20, TableLookups = 4 };
        return stats;
    }

    [TestMethod]
    public void Msp430_estimate_matches_hand_computed_cycles()
    {
        InferenceStatistics stats = HandBuilt();

        CostEstimate estimate = CostModel.Estimate(TargetProfile.Msp430, stats);

        // fc:   300*(77+6) + 900*3 + (200*1 + 150*3) + 700*3 = 30350 over 2 samples.
        // conv: 1000*83 + 1500*3 + (10*77 + 6*1 + 8*3 + 20*1 + 4*3) + 2600*3 = 96132 over 2 samples.
        Assert.AreEqual(15175, estimate.Layers[0].Cycles, 1e-9);
        Assert.AreEqual(48066, estimate.Layers[1].Cycles, 1e-9);
        Assert.AreEqual(63241, estimate.Cycles, 1e-9);
        // Dense: Total*(77+6) + Total*2*3 per sample.
        Assert.AreEqual(44500, estimate.Layers[0].DenseCycles, 1e-9);
        Assert.AreEqual(89000, estimate.Layers[1].DenseCycles, 1e-9);
        Assert.AreEqual(133500, estimate.DenseCycles, 1e-9);
        Assert.AreEqual(133500.0 / 63241.0, estimate.Speedup, 1e-12);
        Assert.AreEqual(2, estimate.Samples);
        Assert.AreEqual("msp430", estimate.Target);
    }

    [TestMethod]
    public void Energy_is_cycles_times_energy_per_cycle()
    {
        CostEstimate estimate = CostModel.Estimate(TargetProfile.Msp430, HandBuilt());

        Assert.AreEqual(63241 * 0.354 / 1000, estimate.EnergyMicrojoules, 1e-9);
        Assert.AreEqual(133500 * 0.354 / 1000, estimate.DenseEnergyMicrojoules, 1e-9);
        Assert.AreEqual(63241 / 16e6, estimate.Seconds, 1e-15);
    }

    [TestMethod]
    public void Layer_breakdown_splits_the_pruned_cycles()
    {
        LayerCostEstimate conv = CostModel.Estimate(TargetProfile.Msp430, HandBuilt()).Layers[1];

        Assert.AreEqual("conv", conv.Layer);
        Assert.AreEqual(83000 / 2.0, conv.MacCycles, 1e-9);
        Assert.AreEqual(4500 / 2.0, conv.ComparisonCycles, 1e-9);
        Assert.AreEqual(832 / 2.0, conv.DivisionCycles, 1e-9);
        Assert.AreEqual(7800 / 2.0, conv.MemoryCycles, 1e-9);
    }

    [TestMethod]
    public void Max78000_estimate_uses_its_own_table()
    {
        CostEstimate estimate = CostModel.Estimate(TargetProfile.Max78000, HandBuilt());

        // fc:   300*2 + 900*3 + (200*1 + 150*3) + 700*2 = 5350; conv: 1000*2 + 1500*3 + (140 + 6 + 24 + 20 + 8) + 2600*2 = 11898.
        Assert.AreEqual((5350 + 11898) / 2.0, estimate.Cycles, 1e-9);
        // Dense: Total*(1+1) + Total*2*2 = 6 per MAC.
        Assert.AreEqual(3000 * 6 / 2.0, estimate.DenseCycles, 1e-9);
    }

    [TestMethod]
    public void Overridden_costs_change_the_estimate()
    {
        TargetProfile free = TargetProfile.Msp430.WithCosts(CostTable.Msp430 with { MemoryRead = 0, CompareBranch = 0, Shift = 0, MaskOp = 0, TableLookup = 0, Division = 0 });

        CostEstimate estimate = CostModel.Estimate(free, HandBuilt());

        Assert.AreEqual(1300 * 83 / 2.0, estimate.Cycles, 1e-9);
        Assert.AreEqual(3000 * 83 / 2.0, estimate.DenseCycles, 1e-9);
    }

    [TestMethod]
    public void A_table_with_list_costs_prices_a_sorted_list_layer_by_its_lists()
    {
        InferenceStatistics stats = HandBuilt();
        LayerStatistics conv = stats.For("conv");
        conv.ListScans = 100;
        conv.ListEntries = 60;
        conv.ListSortWork = 360;
        conv.ListSearchSteps = 700;
        conv.ListWalked = 1300;
        conv.ListTailWalked = 40;
        conv.Compensations = 30;
        conv.ConvOutputs = 50;
        var lists = new SortedListCosts { Scan = 1, Entry = 2, SortWork = 3, Weight = 4, SearchStep = 5, Walk = 6, Mac = 7, TailWalk = 8, Output = 10 };
        CostTable table = CostTable.Max78000 with { Compensation = 9, SortedLists = lists };

        LayerCostEstimate[] layers = [.. CostModel.Estimate(TargetProfile.Max78000.WithCosts(table), stats).Layers];
        LayerCostEstimate[] plain = [.. CostModel.Estimate(TargetProfile.Max78000.WithCosts(table with { SortedLists = null }), stats).Layers];

        // conv: lists 100*1 + 60*2 + 360*3 + 1200*4 + 700*5 + 1300*6 + 40*8 + outputs 50*10 = 18220; MACs 1000*7 + 30*9 = 7270; nothing read.
        Assert.AreEqual(18220 / 2.0, layers[1].ComparisonCycles, 1e-9);
        Assert.AreEqual(7270 / 2.0, layers[1].MacCycles, 1e-9);
        Assert.AreEqual(0, layers[1].MemoryCycles);
        Assert.AreEqual(plain[1].DivisionCycles, layers[1].DivisionCycles);
        Assert.AreEqual(plain[1].DenseCycles, layers[1].DenseCycles);
        // fc has no list counts: priced as without the list costs.
        Assert.AreEqual(plain[0], layers[0]);
        Assert.AreNotEqual(plain[1].Cycles, layers[1].Cycles);
    }

    [TestMethod]
    public void A_table_with_tested_convolution_costs_prices_a_convolution_without_lists_by_its_loop()
    {
        InferenceStatistics stats = HandBuilt();
        LayerStatistics conv = stats.For("conv");
        conv.ConvOutputs = 40;
        conv.LoopTests = 1100;
        conv.LoopRows = 60;
        conv.RowSearches = 10;
        conv.Compensations = 30;
        var loop = new TestedConvolutionCosts { Test = 1, Row = 5, RowSearch = 6, Weight = 2, Output = 3, Mac = 4 };
        CostTable table = CostTable.Max78000 with { Compensation = 9, TestedConvolutions = loop };

        LayerCostEstimate[] layers = [.. CostModel.Estimate(TargetProfile.Max78000.WithCosts(table), stats).Layers];
        LayerCostEstimate[] plain = [.. CostModel.Estimate(TargetProfile.Max78000.WithCosts(table with { TestedConvolutions = null }), stats).Layers];

        // conv: tests 1100*1 + rows 60*5 + row searches 10*6 + weights 1200*2 + outputs 40*3 = 3980; MACs 1000*4 + 30*9 = 4270.
        Assert.AreEqual(3980 / 2.0, layers[1].ComparisonCycles, 1e-9);
        Assert.AreEqual(4270 / 2.0, layers[1].MacCycles, 1e-9);
        Assert.AreEqual(0, layers[1].MemoryCycles);
        Assert.AreEqual(plain[1].DivisionCycles, layers[1].DivisionCycles);
        Assert.AreEqual(plain[1].DenseCycles, layers[1].DenseCycles);
        // fc has no convolution outputs: priced as without the loop costs.
        Assert.AreEqual(plain[0], layers[0]);

        // A convolution with lists is priced by its lists, not by the tested loop.
        conv.ListScans = 100;
        var lists = new SortedListCosts { Scan = 1, Entry = 0, SortWork = 0, Weight = 0, SearchStep = 0, Walk = 0, Mac = 7, TailWalk = 0, Output = 0 };
        LayerCostEstimate listed = CostModel.Estimate(TargetProfile.Max78000.WithCosts(table with { SortedLists = lists }), stats).Layers[1];
        Assert.AreEqual(100 / 2.0, listed.ComparisonCycles, 1e-9);
        Assert.AreEqual((1000 * 7 + 30 * 9) / 2.0, listed.MacCycles, 1e-9);
    }

    [TestMethod]
    public void A_table_with_sorted_column_costs_prices_a_fully_connected_layer_run_by_sorted_columns_by_its_columns()
    {
        InferenceStatistics stats = HandBuilt();
        LayerStatistics fc = stats.For("fc");
        fc.ColumnInputs = 200;
        fc.ColumnThresholds = 100;
        fc.ColumnSearchSteps = 450;
        fc.ColumnOutputs = 40;
        var columns = new SortedColumnCosts { Input = 1, Threshold = 2, SearchStep = 3, Output = 4, Mac = 5 };
        CostTable table = CostTable.Max78000 with { SortedColumns = columns };

        LayerCostEstimate[] layers = [.. CostModel.Estimate(TargetProfile.Max78000.WithCosts(table), stats).Layers];
        LayerCostEstimate[] plain = [.. CostModel.Estimate(TargetProfile.Max78000.WithCosts(table with { SortedColumns = null }), stats).Layers];

        // fc: inputs 200*1 + thresholds 100*2 + steps 450*3 + outputs 40*4 = 1910; MACs 300*5; no weight tested or read.
        Assert.AreEqual(1910 / 2.0, layers[0].ComparisonCycles, 1e-9);
        Assert.AreEqual(300 * 5 / 2.0, layers[0].MacCycles, 1e-9);
        Assert.AreEqual(0, layers[0].MemoryCycles);
        Assert.AreEqual(plain[0].DivisionCycles, layers[0].DivisionCycles);
        Assert.AreEqual(plain[0].DenseCycles, layers[0].DenseCycles);
        // conv has no column counts: priced as without the column costs.
        Assert.AreEqual(plain[1], layers[1]);
        Assert.AreNotEqual(plain[0].Cycles, layers[0].Cycles);
    }

    [TestMethod]
    public void A_table_with_grouped_costs_prices_a_fully_connected_layer_with_a_threshold_per_neuron_by_its_lookups()
    {
        InferenceStatistics stats = HandBuilt();
        LayerStatistics fc = stats.For("fc");
        fc.GroupedInputs = 60;
        fc.GroupedOutputs = 20;
        fc.Compensations = 400;
        fc.Division = fc.Division with { Divisions = 600 };
        var grouped = new FullyConnectedLoopCosts { Input = 1, Lookup = 2, Test = 3, Output = 4, Mac = 5 };
        CostTable table = CostTable.Max78000 with { GroupedFullyConnected = grouped, Compensation = null };

        LayerCostEstimate[] layers = [.. CostModel.Estimate(TargetProfile.Max78000.WithCosts(table), stats).Layers];
        LayerCostEstimate[] plain = [.. CostModel.Estimate(TargetProfile.Max78000.WithCosts(table with { GroupedFullyConnected = null }), stats).Layers];

        // fc: inputs 100*1 + nonzero inputs 60*2 + tests 600*3 + outputs 20*4 + compensations' tests 400*3 = 3300; MACs 300*5
        // and the compensations' adds 400*1; their reads 400*2; of the threshold work only the 600 divisions (14 each).
        Assert.AreEqual(3300 / 2.0, layers[0].ComparisonCycles, 1e-9);
        Assert.AreEqual((300 * 5 + 400 * 1) / 2.0, layers[0].MacCycles, 1e-9);
        Assert.AreEqual(400 * 2 / 2.0, layers[0].MemoryCycles, 1e-9);
        Assert.AreEqual(600 * 14 / 2.0, layers[0].DivisionCycles, 1e-9);
        Assert.IsGreaterThan(layers[0].DivisionCycles, plain[0].DivisionCycles);
        Assert.AreEqual(plain[0].DenseCycles, layers[0].DenseCycles);
        // conv has no grouped counts: priced as without the grouped costs.
        Assert.AreEqual(plain[1], layers[1]);
    }

    [TestMethod]
    public void A_table_with_fully_connected_compensation_costs_prices_a_compensated_fully_connected_layer_by_its_sums()
    {
        InferenceStatistics stats = HandBuilt();
        LayerStatistics fc = stats.For("fc"), conv = stats.For("conv");
        fc.Compensations = 400;
        fc.CompensatedOutputs = 20;
        fc.TestedInputs = 60;
        fc.TestedOutputs = 20;
        conv.Compensations = 500;
        CostTable table = CostTable.Max78000 with
        {
            Compensation = 7,
            TestedFullyConnected = new FullyConnectedLoopCosts { Input = 1, Lookup = 1, Test = 1, Output = 1, Mac = 1 },
            FullyConnectedCompensation = new FullyConnectedCompensationCosts { Skip = 2, Input = 3, Output = 9, Lookup = 4, Mac = 5 },
        };

        LayerCostEstimate[] layers = [.. CostModel.Estimate(TargetProfile.Max78000.WithCosts(table), stats).Layers];
        LayerCostEstimate[] plain = [.. CostModel.Estimate(TargetProfile.Max78000.WithCosts(table with { FullyConnectedCompensation = null }), stats).Layers];

        // fc: its 400 compensated skips at 2 instead of 7, its 100 inputs at 3, its 20 sums at 9, its loop's 60 nonzero inputs at 4
        // and its 300 MACs at 5, in the MAC part; nothing else moves.
        Assert.AreEqual(plain[0].MacCycles + (400 * (2 - 7) + 100 * 3 + 20 * 9 + 60 * 4 + 300 * 5) / 2.0, layers[0].MacCycles, 1e-9);
        Assert.AreEqual(plain[0] with { MacCycles = 0, EnergyMicrojoules = 0 }, layers[0] with { MacCycles = 0, EnergyMicrojoules = 0 });
        // conv has no compensated outputs: its skips keep the table's Compensation.
        Assert.AreEqual(plain[1], layers[1]);
    }

    [TestMethod]
    public void A_negative_fully_connected_compensation_cost_is_rejected_by_name()
    {
        var costs = new FullyConnectedCompensationCosts { Skip = 1, Input = 2, Output = -1, Lookup = 0, Mac = 0 };

        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => (CostTable.Max78000 with { FullyConnectedCompensation = costs }).Validate());

        Assert.Contains("FullyConnectedCompensation.Output", e.Message);
    }

    [TestMethod]
    public void A_table_with_tested_loop_costs_prices_a_fully_connected_layer_with_one_threshold_by_its_lookups()
    {
        InferenceStatistics stats = HandBuilt();
        LayerStatistics fc = stats.For("fc");
        fc.TestedInputs = 60;
        fc.TestedOutputs = 20;
        var tested = new FullyConnectedLoopCosts { Input = 1, Lookup = 2, Test = 3, Output = 4, Mac = 5 };
        CostTable table = CostTable.Max78000 with { TestedFullyConnected = tested };
        var columns = new SortedColumnCosts { Input = 7, Threshold = 0, SearchStep = 0, Output = 0, Mac = 5 };

        LayerCostEstimate[] layers = [.. CostModel.Estimate(TargetProfile.Max78000.WithCosts(table), stats).Layers];
        LayerCostEstimate[] plain = [.. CostModel.Estimate(TargetProfile.Max78000.WithCosts(table with { TestedFullyConnected = null }), stats).Layers];
        fc.ColumnInputs = 60;
        LayerCostEstimate[] byColumns = [.. CostModel.Estimate(TargetProfile.Max78000.WithCosts(table with { SortedColumns = columns }), stats).Layers];

        // fc: inputs 100*1 + nonzero inputs 60*2 + tests 600*3 + outputs 20*4 = 2100; MACs 300*5; no reads; the approximator's
        // shifts and comparisons are looked up, not priced.
        Assert.AreEqual(2100 / 2.0, layers[0].ComparisonCycles, 1e-9);
        Assert.AreEqual(300 * 5 / 2.0, layers[0].MacCycles, 1e-9);
        Assert.AreEqual(0, layers[0].MemoryCycles);
        Assert.AreEqual(0, layers[0].DivisionCycles);
        Assert.IsGreaterThan(0, plain[0].DivisionCycles);
        // A layer the C runs by sorted columns keeps its columns' prices and the approximator's work.
        Assert.AreEqual(plain[0].DivisionCycles, byColumns[0].DivisionCycles);
        Assert.AreEqual(60 * 7 / 2.0, byColumns[0].ComparisonCycles, 1e-9);
        // conv has no tested-loop counts: priced as without the tested-loop costs.
        Assert.AreEqual(plain[1], layers[1]);

        // Exact division's 60 true divisions: at the table's 14, or at the loop's own price when it has one.
        fc.ColumnInputs = 0;
        fc.Division = new DivisionOps { Computations = 60, Divisions = 60, Shifts = 200, Comparisons = 150 };
        Assert.AreEqual(60 * 14 / 2.0, CostModel.EstimateLayer(table, fc).DivisionCycles, 1e-9);
        Assert.AreEqual(60 * 1.5 / 2.0, CostModel.EstimateLayer(table with { TestedFullyConnected = tested with { Division = 1.5 } }, fc).DivisionCycles, 1e-9);
    }

    [TestMethod]
    public void A_bad_fully_connected_loop_cost_is_rejected_by_its_table_property()
    {
        var bad = new FullyConnectedLoopCosts { Input = 1, Lookup = double.NaN, Test = 3, Output = 4, Mac = 5 };

        ArgumentException grouped = Assert.ThrowsExactly<ArgumentException>(() => (CostTable.Max78000 with { GroupedFullyConnected = bad }).Validate());
        ArgumentException tested = Assert.ThrowsExactly<ArgumentException>(() => (CostTable.Max78000 with { TestedFullyConnected = bad }).Validate());

        Assert.Contains("GroupedFullyConnected.Lookup", grouped.Message);
        Assert.Contains("TestedFullyConnected.Lookup", tested.Message);
        ArgumentException division = Assert.ThrowsExactly<ArgumentException>(
            () => (CostTable.Max78000 with { TestedFullyConnected = bad with { Lookup = 2, Division = -1 } }).Validate());
        Assert.Contains("TestedFullyConnected.Division", division.Message);
    }

    [TestMethod]
    public void A_negative_sorted_column_cost_is_rejected_by_name()
    {
        var columns = new SortedColumnCosts { Input = 1, Threshold = 2, SearchStep = -3, Output = 4, Mac = 5 };

        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => (CostTable.Max78000 with { SortedColumns = columns }).Validate());

        Assert.Contains("SortedColumns.SearchStep", e.Message);
    }

    [TestMethod]
    public void A_negative_tested_convolution_cost_is_rejected_by_name()
    {
        var loop = new TestedConvolutionCosts { Test = 1, Row = 5, RowSearch = 6, Weight = 2, Output = double.NaN, Mac = 4 };

        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => (CostTable.Max78000 with { TestedConvolutions = loop }).Validate());

        Assert.Contains("TestedConvolutions.Output", e.Message);
    }

    [TestMethod]
    public void A_negative_list_cost_is_rejected_by_name()
    {
        var lists = new SortedListCosts { Scan = 1, Entry = 2, SortWork = 3, Weight = 4, SearchStep = -5, Walk = 6, Mac = 7, TailWalk = 8, Output = 9 };

        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => (CostTable.Max78000 with { SortedLists = lists }).Validate());

        Assert.Contains("SortedLists.SearchStep", e.Message);
    }

    // x [2, 6, 6] -> Relu -> MaxPool 3x3 stride 1 (overlapping: 4x4 outputs read 9 each) -> Sub -> GAP -> Flatten -> FC 2 -> 3.
    private static ModelGraph NodeGraph()
    {
        var weight = new Tensor(new Shape(3, 2), [0.5f, -1f, 2f, 0.25f, 1f, 1f]);
        return new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 2, 6, 6)),
        [
            new ActivationNode("relu", "x", "r", ActivationKind.Relu),
            new PoolNode("pool", "r", "p", PoolKind.Max, [3, 3], [1, 1], [0, 0], [0, 0], [1, 1], ceilMode: false, countIncludePad: false),
            new ElementwiseNode("shift", "p", "s", ElementwiseOp.Sub, new Tensor(new Shape(1), [0.5f]), constantFirst: false),
            new GlobalAveragePoolNode("gap", "s", "g"),
            new FlattenNode("flatten", "g", "f", 1),
            new FullyConnectedNode("fc", "f", "y", weight, null),
        ], ["y"], "node-costs");
    }

    private static InferenceStatistics FcOnly()
    {
        var stats = new InferenceStatistics();
        LayerStatistics fc = stats.For("fc");
        fc.Samples = 1;
        fc.Total = 6;
        fc.Executed = 4;
        fc.SkippedThreshold = 2;
        fc.Comparisons = 6;
        return stats;
    }

    [TestMethod]
    public void Elements_are_window_reads_for_max_pools_inputs_for_global_pools_and_outputs_otherwise()
    {
        ModelGraph graph = NodeGraph();
        var average = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 2, 6, 6)),
        [
            new PoolNode("avg", "x", "y", PoolKind.Average, [3, 3], [1, 1], [0, 0], [0, 0], [1, 1], ceilMode: false, countIncludePad: false),
        ], ["y"], "average");

        long[] elements = [.. graph.Nodes.Select(n => CostModel.ElementsPerSample(graph, n))];

        // relu: 2*6*6 outputs; pool: 2*4*4 outputs * 9 reads; shift: 2*4*4 outputs; gap: its 2*4*4 inputs; flatten: 2; fc: 3.
        CollectionAssert.AreEqual(new long[] { 72, 288, 32, 32, 2, 3 }, elements);
        // An average pool is priced by its outputs (its division per output dominates): 2*4*4.
        Assert.AreEqual(32, CostModel.ElementsPerSample(average, average.Nodes[0]));
    }

    [TestMethod]
    public void A_table_with_node_costs_prices_every_other_node_in_both_figures()
    {
        ModelGraph graph = NodeGraph();
        var prices = new Dictionary<string, double> { ["Relu"] = 2, ["MaxPool"] = 0.5, ["GlobalAveragePool"] = 3, ["Flatten"] = 0 };
        TargetProfile profile = TargetProfile.Max78000.WithCosts(CostTable.Max78000 with { NodeCosts = prices });
        CostEstimate layersOnly = CostModel.Estimate(profile, FcOnly());

        CostEstimate estimate = CostModel.Estimate(profile, FcOnly(), graph);

        // 72*2 + 288*0.5 + 32*3 + 2*0 = 384; the Sub has no price: listed, unpriced, 0.
        Assert.AreEqual(384, estimate.NodeCycles, 1e-9);
        Assert.AreEqual(layersOnly.Cycles + 384, estimate.Cycles, 1e-9);
        Assert.AreEqual(layersOnly.DenseCycles + 384, estimate.DenseCycles, 1e-9);
        Assert.AreEqual(layersOnly.EnergyMicrojoules + 384 * profile.Costs.EnergyPerCycleNanojoules / 1000, estimate.EnergyMicrojoules, 1e-12);
        CollectionAssert.AreEqual(new[] { "relu", "pool", "shift", "gap", "flatten" }, estimate.Nodes.Select(n => n.Node).ToArray());
        NodeCostEstimate shift = estimate.Nodes.Single(n => n.Node == "shift");
        Assert.IsFalse(shift.Priced);
        Assert.AreEqual(0, shift.Cycles);
        Assert.IsNull(estimate.CyclesOf("shift"));
        Assert.AreEqual((144.0, 144.0), estimate.CyclesOf("pool"));
        Assert.AreEqual((layersOnly.Layers[0].DenseCycles, layersOnly.Layers[0].Cycles), estimate.CyclesOf("fc"));
        Assert.IsTrue(estimate.Speedup < layersOnly.Speedup, "the same fixed cost in both figures lowers the ratio");
    }

    [TestMethod]
    public void Arithmetic_with_a_constant_is_priced_apart_from_the_same_op_between_two_values()
    {
        // On the MSP430 a Sub with a constant runs in software floating point, a Sub of two tensors in int16.
        var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 2, 3)),
        [
            new ElementwiseNode("normalize", "x", "n", ElementwiseOp.Sub, new Tensor(new Shape(1), [0.5f]), constantFirst: false),
            new BinaryNode("difference", "n", "x", "d", ElementwiseOp.Sub),
            new FlattenNode("flatten", "d", "f", 1),
            new FullyConnectedNode("fc", "f", "y", new Tensor(new Shape(3, 6), new float[18]), null),
        ], ["y"], "keys");
        var prices = new Dictionary<string, double> { ["Sub(constant)"] = 100, ["Sub"] = 2, ["Flatten"] = 0 };
        TargetProfile profile = TargetProfile.Max78000.WithCosts(CostTable.Max78000 with { NodeCosts = prices });

        CostEstimate estimate = CostModel.Estimate(profile, FcOnly(), graph);

        CollectionAssert.AreEqual(new[] { "Sub(constant)", "Sub", "Flatten" }, estimate.Nodes.Select(n => n.Op).ToArray());
        CollectionAssert.AreEqual(new[] { 600.0, 12.0, 0.0 }, estimate.Nodes.Select(n => n.Cycles).ToArray());
        Assert.AreEqual("Sub(constant)", CostModel.PriceKey(graph, graph.Nodes[0]));
        Assert.AreEqual("Sub", CostModel.PriceKey(graph, graph.Nodes[1]));
    }

    [TestMethod]
    public void The_only_max_pool_of_a_graph_takes_its_own_price_when_the_table_has_one()
    {
        // The MSP430 C inlines the max-pool kernel when one pool calls it: much cheaper per read than the shared kernel.
        ModelGraph one = NodeGraph();
        var two = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 2, 6, 6)),
        [
            new PoolNode("p1", "x", "a", PoolKind.Max, [2, 2], [1, 1], [0, 0], [0, 0], [1, 1], ceilMode: false, countIncludePad: false),
            new PoolNode("p2", "a", "b", PoolKind.Max, [2, 2], [1, 1], [0, 0], [0, 0], [1, 1], ceilMode: false, countIncludePad: false),
            new FlattenNode("flatten", "b", "f", 1),
            new FullyConnectedNode("fc", "f", "y", new Tensor(new Shape(3, 32), new float[96]), null),
        ], ["y"], "two-pools");
        var prices = new Dictionary<string, double> { ["MaxPool"] = 10, ["MaxPool(single)"] = 1 };
        TargetProfile profile = TargetProfile.Max78000.WithCosts(CostTable.Max78000 with { NodeCosts = prices });
        TargetProfile shared = TargetProfile.Max78000.WithCosts(CostTable.Max78000 with { NodeCosts = new Dictionary<string, double> { ["MaxPool"] = 10 } });

        NodeCostEstimate lone = CostModel.Estimate(profile, FcOnly(), one).Nodes.Single(n => n.Node == "pool");
        NodeCostEstimate[] pair = [.. CostModel.Estimate(profile, FcOnly(), two).Nodes.Where(n => n.Op.StartsWith("MaxPool", StringComparison.Ordinal))];
        NodeCostEstimate fallback = CostModel.Estimate(shared, FcOnly(), one).Nodes.Single(n => n.Node == "pool");

        // The lone pool reads 2*4*4 outputs * 9; the pair 2*5*5 * 4 and 2*4*4 * 4.
        Assert.AreEqual(("MaxPool(single)", 288.0), (lone.Op, lone.Cycles));
        CollectionAssert.AreEqual(new[] { ("MaxPool", 2000.0), ("MaxPool", 1280.0) }, pair.Select(n => (n.Op, n.Cycles)).ToArray());
        Assert.AreEqual(("MaxPool", 2880.0), (fallback.Op, fallback.Cycles), "a table without the lone price prices it as any");
    }

    [TestMethod]
    public void A_table_without_node_costs_leaves_the_other_nodes_out()
    {
        CostEstimate estimate = CostModel.Estimate(TargetProfile.Max78000, FcOnly(), NodeGraph());

        Assert.AreEqual(0, estimate.Nodes.Count);
        Assert.AreEqual(CostModel.Estimate(TargetProfile.Max78000, FcOnly()).Cycles, estimate.Cycles, 1e-12);
    }

    [TestMethod]
    public void Every_measured_table_prices_the_lists_and_the_nodes_of_the_shipped_models()
    {
        foreach (CostTable table in new[] { CostTable.Msp430SoftwareMultiply, CostTable.Msp430HardwareMultiply, CostTable.CortexM4Instructions })
        {
            table.Validate();
            Assert.IsNotNull(table.SortedLists, table.Device);
            Assert.IsNotNull(table.DenseMac, table.Device);
            Assert.IsNotNull(table.NodeCosts, table.Device);
            foreach (string op in new[] { "Relu", "MaxPool", "Sub(constant)", "Div(constant)", "Flatten", "Add" })
            {
                Assert.IsTrue(table.NodeCosts.ContainsKey(op), $"{table.Device}: {op}");
            }
        }
        // The MSP430's tested convolution loop was measured apart (the M4 fit priced it with its generic terms).
        Assert.IsNotNull(CostTable.Msp430SoftwareMultiply.TestedConvolutions);
        Assert.IsNotNull(CostTable.Msp430HardwareMultiply.TestedConvolutions);
        // The datasheet tables price the counted layers only.
        Assert.IsNull(CostTable.Msp430.NodeCosts);
        Assert.IsNull(CostTable.Max78000.NodeCosts);
    }

    [TestMethod]
    public void A_negative_node_cost_is_rejected_by_op()
    {
        var prices = new Dictionary<string, double> { ["Relu"] = 1, ["MaxPool"] = -1 };

        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => (CostTable.Max78000 with { NodeCosts = prices }).Validate());

        Assert.Contains("NodeCosts[MaxPool]", e.Message);
    }

    [TestMethod]
    public void Empty_statistics_cost_nothing()
    {
        CostEstimate estimate = CostModel.Estimate(TargetProfile.Float32, new InferenceStatistics());

        Assert.AreEqual(0, estimate.Cycles);
        Assert.AreEqual(1, estimate.Speedup);
        Assert.AreEqual(0, estimate.Layers.Count);
    }

    [TestMethod]
    public void A_layer_without_samples_is_rejected_by_name()
    {
        var stats = new InferenceStatistics();
        stats.For("dense_1").Total = 10;

        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => CostModel.Estimate(TargetProfile.Msp430, stats));

        Assert.Contains("dense_1", e.Message);
    }
}
