using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.ML.Targets;

/// <summary>
/// Turns exact operation counts into estimated cycles and energy per inference on a target
/// (docs/method.md, "Cost model"): estimated cycles = Σ count × cycles of its operation, divided by the
/// samples covered; energy = cycles × <see cref="CostTable.EnergyPerCycleNanojoules"/>.
/// </summary>
/// <remarks>
/// Per layer and sample, with <c>c</c> the profile's <see cref="CostTable"/>:
/// <list type="bullet">
/// <item>pruned = <c>Executed·(c.Multiply + c.Add) + Comparisons·c.CompareBranch
/// + Division.Divisions·c.Division + Division.Shifts·c.Shift + Division.Comparisons·c.CompareBranch
/// + Division.MaskOps·c.MaskOp + Division.TableLookups·c.TableLookup
/// + WeightReads·c.MemoryRead + ActivationReads·c.ActivationRead</c> (<c>c.MemoryRead</c> when the table has no separate
/// activation read), plus, with skip compensation, <c>Compensations·(c.Add + c.CompareBranch
/// + c.MemoryRead)</c> (each compensated skip adds its constant after a sign test and a read; in the MAC, comparison
/// and memory parts), or <c>Compensations·c.Compensation</c> in the MAC part when the table has a measured cost; for a fully
/// connected layer (<see cref="LayerStatistics.CompensatedOutputs"/> &gt; 0) with <see cref="CostTable.FullyConnectedCompensation"/>,
/// <c>Compensations·Skip + ActivationReads·Input + CompensatedOutputs·Output</c>, plus its loop's nonzero inputs at <c>Lookup</c>
/// and executed MACs at <c>Mac</c>, in the MAC part instead;</item>
/// <item>dense = <c>Total·(c.Multiply + c.Add) + Total·2·c.MemoryRead</c> (every MAC reads both operands,
/// nothing is compared), so the speed-up is a like-for-like ratio under one table; <c>Total·c.DenseMac</c> when the
/// table has a measured dense MAC cost. A layer the pruned build runs by the dense loop
/// (<see cref="LayerStatistics.DenseMacs"/>) is priced the same way in the pruned figure.</item>
/// <item>With <see cref="CostTable.SortedLists"/> (measured tables), a layer the C runs by sorted lists
/// (<see cref="LayerStatistics.ListScans"/> above 0) is priced by its lists instead of tests and reads:
/// <c>ListScans·Scan + ListEntries·Entry + ListSortWork·SortWork + WeightReads·Weight + ListSearchSteps·SearchStep
/// + ListWalked·Walk + ListTailWalked·TailWalk + ConvOutputs·Output</c> in the comparison part, and its executed MACs at <c>Mac</c> each.</item>
/// <item>a convolution without lists (<see cref="LayerStatistics.ConvOutputs"/> &gt; 0), when the table has
/// <see cref="CostTable.TestedConvolutions"/>: <c>LoopTests·Test + LoopRows·Row + RowSearches·RowSearch + WeightReads·Weight
/// + ConvOutputs·Output</c> in the comparison part, no reads, and its executed MACs at <c>Mac</c> each.</item>
/// <item>a fully connected layer the C runs by sorted columns (<see cref="LayerStatistics.ColumnInputs"/> &gt; 0), when the
/// table has <see cref="CostTable.SortedColumns"/>: <c>ColumnInputs·Input + ColumnThresholds·Threshold
/// + ColumnSearchSteps·SearchStep + ColumnOutputs·Output</c> in the comparison part, no reads, and its executed MACs at
/// <c>Mac</c> each.</item>
/// <item>a fully connected layer with a threshold per neuron (<see cref="LayerStatistics.GroupedOutputs"/> &gt; 0), when the
/// table has <see cref="CostTable.GroupedFullyConnected"/>: <c>ActivationReads·Input + GroupedInputs·Lookup + WeightReads·Test
/// + GroupedOutputs·Output</c> in the comparison part, no reads, its executed MACs at <c>Mac</c> each, and of its threshold
/// work only the true divisions, at the loop's <c>Division</c> when it has one (the C looks the other approximators' thresholds up).</item>
/// <item>a fully connected layer with one threshold that the C runs by its tested loop (<see cref="LayerStatistics.TestedOutputs"/>
/// &gt; 0 and not by sorted columns), when the table has <see cref="CostTable.TestedFullyConnected"/>: the same with
/// <c>TestedInputs</c> and <c>TestedOutputs</c>.</item>
/// </list>
/// The other nodes of an inference (pooling, activations, elementwise arithmetic) are priced only when the table has
/// <see cref="CostTable.NodeCosts"/> and the graph is given: each at its op's price per element
/// (<see cref="ElementsPerSample"/>), the same in the pruned and the dense figure. Otherwise they, like bias and data transfer,
/// are left out of both.
/// </remarks>
public static class CostModel
{
    /// <summary>Estimates one inference's cost from statistics summed over <see cref="InferenceStatistics.Samples"/> samples.</summary>
    /// <param name="profile">The target; its <see cref="TargetProfile.Costs"/> price every operation.</param>
    /// <param name="statistics">Per-layer counts; each layer is divided by its own sample count.</param>
    /// <param name="graph">
    /// The graph that ran, whose nodes outside the prunable layers are priced when the table has <see cref="CostTable.NodeCosts"/>;
    /// null prices the counted layers only.
    /// </param>
    /// <returns>The estimate; all zeros with speed-up 1 when there are no layers.</returns>
    /// <exception cref="ArgumentException">When a layer covers no samples.</exception>
    /// <exception cref="InvalidOperationException">When the table prices sorted lists that a layer ran without counting (<see cref="EstimateLayer"/>).</exception>
    public static CostEstimate Estimate(TargetProfile profile, InferenceStatistics statistics, ModelGraph? graph = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(statistics);
        var layers = new LayerCostEstimate[statistics.Layers.Count];
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i] = EstimateLayer(profile.Costs, statistics.Layers[i]);
        }
        return new CostEstimate
        {
            Target = profile.Name,
            Costs = profile.Costs,
            Samples = statistics.Samples,
            Layers = layers,
            Nodes = graph is null || profile.Costs.NodeCosts is null ? [] : EstimateNodes(profile.Costs.NodeCosts, graph),
        };
    }

    /// <summary>
    /// The elements a node outside the prunable layers handles per sample, the unit <see cref="CostTable.NodeCosts"/> prices:
    /// the window reads of a max pool (output × kernel), the input of a global pooling or reduction, and the output of
    /// anything else (average pools, activations, elementwise arithmetic, reshapes). An average pool's time goes mostly to
    /// its division per output (software floating point on the MSP430): per output its measured cost varied 6,148 to 10,084
    /// cycles over 2x2 and 3x3 windows, per window read 683 to 1,790.
    /// </summary>
    public static long ElementsPerSample(ModelGraph graph, Node node)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(node);
        long output = graph.ShapeOf(node.Output).SampleSize;
        return node switch
        {
            PoolNode { Kind: PoolKind.Max } pool => output * pool.Kernel.Aggregate(1L, (a, k) => a * k),
            GlobalAveragePoolNode or ReduceNode => graph.ShapeOf(node.Input).SampleSize,
            _ => output,
        };
    }

    /// <summary>
    /// The key of a node's price in <see cref="CostTable.NodeCosts"/>: its operator (<see cref="Node.OpName"/>), with
    /// <c>(constant)</c> after it for arithmetic with a constant operand (e.g. <c>Sub(constant)</c>, an input normalization),
    /// which the generated C runs in float arithmetic where the same op between two values runs on the values' own format
    /// (on the MSP430: software floating point against int16, 10 to 50 times apart); and <c>MaxPool(single)</c> for the only
    /// max pool of a graph, whose shared C kernel then has one call site, which clang inlines with its sizes as constants
    /// (on the MSP430: 7 cycles per window read against 57.4 for the kernel two pools call).
    /// </summary>
    public static string PriceKey(ModelGraph graph, Node node)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(node);
        return node switch
        {
            ElementwiseNode => node.OpName + "(constant)",
            PoolNode { Kind: PoolKind.Max } when graph.Nodes.Count(n => n is PoolNode { Kind: PoolKind.Max }) == 1 => SingleMaxPool,
            _ => node.OpName,
        };
    }

    private const string SingleMaxPool = "MaxPool(single)";

    private static NodeCostEstimate[] EstimateNodes(IReadOnlyDictionary<string, double> prices, ModelGraph graph) =>
        [.. graph.Nodes.Where(n => n is not PrunableNode).Select(n =>
        {
            long elements = ElementsPerSample(graph, n);
            string key = PriceKey(graph, n);
            // A table that did not measure a lone max pool apart (e.g. one whose kernels are inlined anyway) prices it as any.
            key = key == SingleMaxPool && !prices.ContainsKey(key) ? n.OpName : key;
            bool priced = prices.TryGetValue(key, out double price);
            return new NodeCostEstimate { Node = n.Name, Op = key, Elements = elements, Cycles = priced ? elements * price : 0, Priced = priced };
        })];

    /// <summary>Estimates one layer's cost per inference with the given table.</summary>
    /// <exception cref="ArgumentException">When the layer covers no samples or the table is invalid.</exception>
    /// <exception cref="InvalidOperationException">
    /// When the table prices sorted lists (<see cref="CostTable.SortedLists"/>) and the layer ran samples without counting them
    /// (<see cref="LayerStatistics.ListsUncounted"/>).
    /// </exception>
    public static LayerCostEstimate EstimateLayer(CostTable costs, LayerStatistics layer)
    {
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(layer);
        costs.Validate();
        if (layer.Samples <= 0)
        {
            throw new ArgumentException($"Layer '{layer.Layer}' covers {layer.Samples} samples; at least one is needed for a per-inference cost.", nameof(layer));
        }
        if (costs.SortedLists is not null && layer.ListsUncounted > 0)
        {
            // Priced without its lists, the layer would fall back to per-MAC prices the C does not pay: refuse instead.
            throw new InvalidOperationException($"Layer '{layer.Layer}' ran {layer.ListsUncounted} of its {layer.Samples} samples without counting its sorted lists, " +
                $"which the '{costs.Device}' table prices; collect them with InferenceStatistics.CountsSortedLists on (the ML.NET transformer " +
                "counts them when UnitPruningOptions.DenseWhereCheaper is such a table).");
        }
        double samples = layer.Samples;
        double macCost = costs.Multiply + costs.Add;
        // The C's grouped and tested fully connected loops look their thresholds up: of the engine's approximator work only
        // true divisions remain. A layer the C runs by sorted columns is counted by the tested loop too, and priced by its columns.
        bool columns = costs.SortedColumns is not null && layer.ColumnInputs > 0;
        (FullyConnectedLoopCosts? loop, long loopInputs, long loopOutputs) =
            costs.GroupedFullyConnected is { } g && layer.GroupedOutputs > 0 ? (g, layer.GroupedInputs, layer.GroupedOutputs)
            : costs.TestedFullyConnected is { } t && layer.TestedOutputs > 0 && !columns ? (t, layer.TestedInputs, layer.TestedOutputs)
            : (null, 0, 0);
        double divisionPrice = loop?.Division ?? (columns ? costs.SortedColumns!.Division : null) ?? costs.Division;
        double division = layer.Division.Divisions * divisionPrice + (loop is not null ? 0 : layer.Division.Shifts * costs.Shift
            + layer.Division.Comparisons * costs.CompareBranch
            + layer.Division.MaskOps * costs.MaskOp
            + layer.Division.TableLookups * costs.TableLookup);
        double denseMac = costs.DenseMac ?? macCost + 2 * costs.MemoryRead;
        double dense = layer.Total * denseMac / samples;
        // The C's fully connected loops have compensation prices of their own (the int16 ones add a skip's constant to its neuron's sum and scale each sum once).
        FullyConnectedCompensationCosts? fcCompensation = layer.CompensatedOutputs > 0 ? costs.FullyConnectedCompensation : null;
        double compensation = fcCompensation is null
            ? layer.Compensations * (costs.Compensation ?? costs.Add)
            : layer.Compensations * fcCompensation.Skip + layer.ActivationReads * fcCompensation.Input + layer.CompensatedOutputs * fcCompensation.Output
                + loopInputs * fcCompensation.Lookup + (layer.Executed - layer.DenseMacs) * fcCompensation.Mac;
        // A measured compensation cost is charged whole to the MAC part; otherwise its add, test and read go to theirs.
        long itemized = costs.Compensation is null && fcCompensation is null ? layer.Compensations : 0;
        double skipRule = (layer.Comparisons + itemized) * costs.CompareBranch;
        double reads = (layer.WeightReads + itemized) * costs.MemoryRead + layer.ActivationReads * (costs.ActivationRead ?? costs.MemoryRead);
        // An executed MAC of the UnIT loop; the dense MAC above keeps the table's multiply and add.
        double unitMac = macCost;
        if (costs.SortedLists is { } lists && layer.ListScans > 0)
        {
            // The C runs this layer by sorted lists: a skipped operand is never visited, so the lists' work replaces the tests and reads.
            unitMac = lists.Mac;
            skipRule = layer.ListScans * lists.Scan + layer.ListEntries * lists.Entry + layer.ListSortWork * lists.SortWork
                + layer.WeightReads * lists.Weight + layer.ListSearchSteps * lists.SearchStep + layer.ListWalked * lists.Walk
                + layer.ListTailWalked * lists.TailWalk + layer.ConvOutputs * lists.Output + itemized * costs.CompareBranch;
            reads = itemized * costs.MemoryRead;
        }
        else if (costs.TestedConvolutions is { } tested && layer.ConvOutputs > 0)
        {
            // A convolution without lists: its tested loop's own prices replace the tests and reads fitted on fully connected layers.
            unitMac = tested.Mac;
            skipRule = layer.LoopTests * tested.Test + layer.LoopRows * tested.Row + layer.RowSearches * tested.RowSearch
                + layer.WeightReads * tested.Weight + layer.ConvOutputs * tested.Output
                + itemized * costs.CompareBranch;
            reads = itemized * costs.MemoryRead;
        }
        else if (columns)
        {
            SortedColumnCosts sorted = costs.SortedColumns!;
            // Sorted columns: a nonzero input's kept weights are a prefix found by one search, so no weight is tested or skipped one by one.
            unitMac = sorted.Mac;
            skipRule = layer.ColumnInputs * sorted.Input + layer.ColumnThresholds * sorted.Threshold
                + layer.ColumnSearchSteps * sorted.SearchStep + layer.ColumnOutputs * sorted.Output;
            reads = 0;
        }
        else if (loop is not null)
        {
            unitMac = loop.Mac;
            skipRule = layer.ActivationReads * loop.Input + loopInputs * loop.Lookup + layer.WeightReads * loop.Test
                + loopOutputs * loop.Output + itemized * costs.CompareBranch;
            reads = itemized * costs.MemoryRead;
        }
        var estimate = new LayerCostEstimate
        {
            Layer = layer.Layer,
            Samples = layer.Samples,
            MacCycles = ((layer.Executed - layer.DenseMacs) * unitMac + layer.DenseMacs * denseMac + compensation) / samples,
            ComparisonCycles = skipRule / samples,
            DivisionCycles = division / samples,
            MemoryCycles = reads / samples,
            DenseCycles = dense,
            EnergyMicrojoules = 0,
            DenseEnergyMicrojoules = MicrojoulesOf(dense, costs),
        };
        return estimate with { EnergyMicrojoules = MicrojoulesOf(estimate.Cycles, costs) };
    }

    private static double MicrojoulesOf(double cycles, CostTable costs) => cycles * costs.EnergyPerCycleNanojoules / 1000.0;
}
