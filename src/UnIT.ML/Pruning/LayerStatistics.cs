using UnIT.ML.Division;
using UnIT.ML.Graph;

namespace UnIT.ML.Pruning;

/// <summary>
/// Exact operation counts of one prunable layer, summed over the samples run. Every MAC is in
/// exactly one of <see cref="SkippedZero"/>, <see cref="SkippedThreshold"/> and <see cref="Executed"/>.
/// </summary>
public sealed class LayerStatistics
{
    /// <summary>Creates an empty tally for the named layer.</summary>
    public LayerStatistics(string layer) => Layer = layer;

    /// <summary>The layer's name.</summary>
    public string Layer { get; }

    /// <summary>Samples these counts cover.</summary>
    public long Samples { get; set; }

    /// <summary>All MACs of the layer (dense count, padding included).</summary>
    public long Total { get; set; }

    /// <summary>MACs skipped because an operand was zero (ReLU zeros, padding, pruned weights).</summary>
    public long SkippedZero { get; set; }

    /// <summary>MACs skipped by the threshold comparison.</summary>
    public long SkippedThreshold { get; set; }

    /// <summary>MACs executed (multiply and add).</summary>
    public long Executed { get; set; }

    /// <summary>
    /// MACs skipped by threshold that added their weight's skip-compensation constant instead (one add, one sign test and
    /// one read each; see <see cref="SkipCompensation"/>): all of <see cref="SkippedThreshold"/> with compensation, else 0.
    /// </summary>
    public long Compensations { get; set; }

    /// <summary>
    /// MACs run by the plain dense loop (a layer in <see cref="ThresholdSet.DenseLayers"/>: no tests, no reads beyond the
    /// loop's own, every MAC but those on padding multiplied), all of them also in <see cref="Executed"/>; priced at the
    /// dense MAC's cost.
    /// </summary>
    public long DenseMacs { get; set; }

    /// <summary>Compare-and-branch operations of the skip rule: zero tests of control terms plus threshold tests.</summary>
    public long Comparisons { get; set; }

    /// <summary>Weight reads from memory.</summary>
    public long WeightReads { get; set; }

    /// <summary>Activation reads from memory.</summary>
    public long ActivationReads { get; set; }

    /// <summary>
    /// Activations a sorted-list convolution (<see cref="UnIT.ML.Kernels.SortedListConvolution"/>, as the exported C runs it)
    /// scans into its lists: its whole input, once per sample. 0 for every other layer and for the dense loop. The engine
    /// computes differently; these counts are what the C would spend, for the cost model.
    /// </summary>
    public long ListScans { get; set; }

    /// <summary>The nonzero activations among <see cref="ListScans"/>: entries listed and sorted.</summary>
    public long ListEntries { get; set; }

    /// <summary>The lists' sorting work: over every list of n entries, n·⌈log2 n⌉.</summary>
    public long ListSortWork { get; set; }

    /// <summary>Binary-search steps: over the nonzero weights, ⌊log2 n⌋ + 1 for the list of n entries the weight searches (0 for an empty one).</summary>
    public long ListSearchSteps { get; set; }

    /// <summary>List entries the nonzero weights walk for their MACs: the prefix each threshold keeps, places outside the output included.</summary>
    public long ListWalked { get; set; }

    /// <summary>With skip compensation, list entries the nonzero weights walk past their prefix to add their constants.</summary>
    public long ListTailWalked { get; set; }

    /// <summary>
    /// Samples this layer, one the exported C runs by sorted lists, ran without counting its lists
    /// (<see cref="InferenceStatistics.CountsSortedLists"/> off): while above 0, <see cref="ListScans"/> and the counts after
    /// it miss those samples, so no table with <see cref="Targets.CostTable.SortedLists"/> can price the layer.
    /// </summary>
    public long ListsUncounted { get; set; }

    /// <summary>Whether the engine counts this layer's sorted lists (<see cref="InferenceStatistics.CountsSortedLists"/>).</summary>
    internal bool CountsSortedLists { get; init; } = true;

    /// <summary>
    /// Outputs a convolution computed under the skip rule (output channels × output plane, per sample); 0 for every other
    /// layer and for the dense loop. With <see cref="LoopTests"/> it prices a convolution that the exported C runs by its
    /// tested loop (one with no sorted lists, e.g. stride 2).
    /// </summary>
    public long ConvOutputs { get; set; }

    /// <summary>
    /// The operand tests a convolution's tested loop runs in the exported C: the in-bounds activations of each nonzero weight
    /// whose threshold some operand can pass. Unlike <see cref="ActivationReads"/> it leaves out the weights of an int16
    /// layer without skip compensation whose threshold exceeds every |x| (the C skips their rows whole, testing nothing).
    /// </summary>
    public long LoopTests { get; set; }

    /// <summary>The output rows the tested loop runs for the weights of <see cref="LoopTests"/>: those its kernel row reaches inside the input.</summary>
    public long LoopRows { get; set; }

    /// <summary>
    /// The output rows a convolution's tested loop looks through to find those each kernel row reaches: output channels ×
    /// input channels per group × kernel rows × output rows, per sample.
    /// </summary>
    public long RowSearches { get; set; }

    /// <summary>
    /// Inputs a fully connected layer run by sorted columns (<see cref="UnIT.ML.Kernels.SortedColumnFullyConnected"/>, as the
    /// exported int16 C runs it) scans, once per row; 0 for every other layer and for the dense loop. Like the list counts,
    /// these are what the C would spend, for the cost model.
    /// </summary>
    public long ColumnInputs { get; set; }

    /// <summary>The nonzero inputs among <see cref="ColumnInputs"/>: a threshold looked up and a column searched for each.</summary>
    public long ColumnThresholds { get; set; }

    /// <summary>Steps of the columns' binary searches for the first weight each threshold skips (none when it exceeds every weight).</summary>
    public long ColumnSearchSteps { get; set; }

    /// <summary>Outputs of the rows run by sorted columns (neurons per row): each starts at its bias and is requantized.</summary>
    public long ColumnOutputs { get; set; }

    /// <summary>
    /// Nonzero inputs of a fully connected layer with a threshold per neuron (group-wise), as the exported C's grouped
    /// loop runs it: each one's exponent is found once and its neurons' thresholds are looked up in a table, one per test
    /// (<see cref="WeightReads"/>), where the engine counts an approximator's work per neuron (<see cref="Division"/>). 0 for
    /// every other layer and for the dense loop; for the cost model.
    /// </summary>
    public long GroupedInputs { get; set; }

    /// <summary>Outputs of the rows of <see cref="GroupedInputs"/>' layers (neurons per row): each starts at its bias (and in int16 is requantized).</summary>
    public long GroupedOutputs { get; set; }

    /// <summary>
    /// Nonzero inputs of a fully connected layer with one threshold per layer, as the exported C's tested loop runs it
    /// (or, in int16 for 16 to 256 neurons without compensation, its sorted columns, which <see cref="ColumnInputs"/> counts apart):
    /// each one's exponent is found once and its threshold looked up, where the engine counts the approximator's work
    /// (<see cref="Division"/>). 0 for every other layer and for the dense loop; for the cost model.
    /// </summary>
    public long TestedInputs { get; set; }

    /// <summary>Outputs of the rows of <see cref="TestedInputs"/>' layers (neurons per row): each starts at its bias (and in int16 is requantized).</summary>
    public long TestedOutputs { get; set; }

    /// <summary>
    /// Outputs of the rows of a fully connected layer with skip compensation (neurons per row): the int16 C sums each one's
    /// skipped constants and shifts the sum into the product's Q format once, after the row's last input; for the cost model.
    /// </summary>
    public long CompensatedOutputs { get; set; }

    /// <summary>Operations spent on threshold computations t(T, |C|).</summary>
    public DivisionOps Division;

    /// <summary>
    /// Counts one sample's run of the layer without pruning (its input held NaN or infinity, which the
    /// layer propagates as IEEE arithmetic and ONNX Runtime do): every one of <paramref name="macs"/> MACs executed.
    /// </summary>
    public void AddUnpruned(long macs)
    {
        Total += macs;
        Executed += macs;
        WeightReads += macs;
        ActivationReads += macs;
    }

    /// <summary>
    /// Counts runs of the layer by the plain dense loop: of <paramref name="macs"/> MACs, the <paramref name="inBounds"/> whose
    /// operands exist are executed, nothing tested; the rest meet a convolution's padding (zero skips the loop never visits).
    /// </summary>
    public void AddDense(long macs, long inBounds)
    {
        Total += macs;
        Executed += inBounds;
        DenseMacs += inBounds;
        SkippedZero += macs - inBounds;
    }

    /// <summary>
    /// Counts one row of a fully connected layer under the skip rule: <paramref name="inputs"/> x <paramref name="outputs"/>
    /// MACs; one zero test per input and, for each of the <paramref name="nonzeroInputs"/>, a threshold test and a weight
    /// read per output; <paramref name="ops"/> spent on its thresholds; each threshold skip compensated when <paramref name="compensated"/>.
    /// The row counts as the exported C's grouped loop's (<see cref="GroupedInputs"/>) with a threshold per neuron
    /// (<paramref name="perNeuron"/>), else as its tested loop's (<see cref="TestedInputs"/>).
    /// </summary>
    internal void AddFullyConnected(int inputs, int outputs, long nonzeroInputs, long executed, long skippedThreshold, in DivisionOps ops, bool perNeuron,
        bool compensated = false)
    {
        if (perNeuron)
        {
            GroupedInputs += nonzeroInputs;
            GroupedOutputs += outputs;
        }
        else
        {
            TestedInputs += nonzeroInputs;
            TestedOutputs += outputs;
        }
        Compensations += compensated ? skippedThreshold : 0;
        CompensatedOutputs += compensated ? outputs : 0;
        long total = (long)inputs * outputs;
        Total += total;
        Executed += executed;
        SkippedThreshold += skippedThreshold;
        SkippedZero += total - executed - skippedThreshold;
        Comparisons += inputs + nonzeroInputs * outputs;
        ActivationReads += inputs;
        WeightReads += nonzeroInputs * outputs;
        Division.Add(ops);
    }

    /// <summary>
    /// Counts one sample of a convolution of geometry <paramref name="g"/> under the skip rule: its MACs and outputs; one zero
    /// test and read per weight (<paramref name="weights"/>) and one threshold test and activation read per in-bounds
    /// activation of a nonzero weight (<paramref name="tested"/>), of which the C's tested loop runs <paramref name="loopTests"/>
    /// in <paramref name="loopRows"/> output rows; each threshold skip compensated when <paramref name="compensated"/>.
    /// </summary>
    internal void AddConvolution(in ConvGeometry g, long weights, long tested, long loopTests, long loopRows, long executed, long skippedThreshold,
        bool compensated = false)
    {
        long outputs = (long)g.OutChannels * g.OutH * g.OutW;
        ConvOutputs += outputs;
        RowSearches += (long)g.OutChannels * g.InChannelsPerGroup * g.KernelH * g.OutH;
        LoopTests += loopTests;
        LoopRows += loopRows;
        Compensations += compensated ? skippedThreshold : 0;
        long total = outputs * g.InChannelsPerGroup * g.KernelH * g.KernelW;
        Total += total;
        Executed += executed;
        SkippedThreshold += skippedThreshold;
        SkippedZero += total - executed - skippedThreshold;
        Comparisons += weights + tested;
        WeightReads += weights;
        ActivationReads += tested;
    }

    /// <summary>Adds another tally of the same layer.</summary>
    public void Add(LayerStatistics other)
    {
        Samples += other.Samples;
        Total += other.Total;
        SkippedZero += other.SkippedZero;
        SkippedThreshold += other.SkippedThreshold;
        Compensations += other.Compensations;
        Executed += other.Executed;
        DenseMacs += other.DenseMacs;
        Comparisons += other.Comparisons;
        WeightReads += other.WeightReads;
        ActivationReads += other.ActivationReads;
        ListScans += other.ListScans;
        ListEntries += other.ListEntries;
        ListSortWork += other.ListSortWork;
        ListSearchSteps += other.ListSearchSteps;
        ListWalked += other.ListWalked;
        ListTailWalked += other.ListTailWalked;
        ListsUncounted += other.ListsUncounted;
        ConvOutputs += other.ConvOutputs;
        LoopTests += other.LoopTests;
        LoopRows += other.LoopRows;
        RowSearches += other.RowSearches;
        ColumnInputs += other.ColumnInputs;
        ColumnThresholds += other.ColumnThresholds;
        ColumnSearchSteps += other.ColumnSearchSteps;
        ColumnOutputs += other.ColumnOutputs;
        GroupedInputs += other.GroupedInputs;
        GroupedOutputs += other.GroupedOutputs;
        TestedInputs += other.TestedInputs;
        TestedOutputs += other.TestedOutputs;
        CompensatedOutputs += other.CompensatedOutputs;
        Division.Add(other.Division);
    }

    /// <summary>A copy of this tally.</summary>
    public LayerStatistics Clone()
    {
        var c = new LayerStatistics(Layer);
        c.Add(this);
        return c;
    }
}
