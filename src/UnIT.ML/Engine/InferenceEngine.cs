using UnIT.ML.Graph;
using UnIT.ML.Graph.Ops;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.ML.Engine;

/// <summary>
/// Runs a <see cref="ModelGraph"/> on the CPU: dense float32, UnIT-pruned float32, or UnIT-pruned
/// int16 fixed point, as the <see cref="PruningConfiguration"/> says. Weights and thresholds are
/// prepared once in the constructor. Immutable and thread-safe: concurrent <see cref="Run"/> calls
/// are fine, each with its own statistics object. Large batches are split across all cores.
/// </summary>
public sealed class InferenceEngine
{
    private const int MinSamplesPerThread = 16;

    [ThreadStatic]
    private static BufferPool? t_pool;

    private readonly Dictionary<PrunableNode, LayerExecutor> _layers = new();
    private readonly Step[] _steps;
    private readonly int[] _outputSlots;
    private readonly Dictionary<string, float> _fatRelu;
    private readonly QuantizationPlan? _quantization;

    // Per step, made once here rather than per sample: the FATReLU threshold and, in fixed point, the output's Q rounding.
    private readonly float[] _stepTau;
    private readonly Func<double, float>?[] _stepRound;

    /// <summary>Prepares the engine; throws <see cref="GraphException"/> when the configuration does not fit the graph.</summary>
    public InferenceEngine(ModelGraph graph, PruningConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Graph = graph;
        Configuration = configuration ?? PruningConfiguration.Dense;
        PruningConfiguration c = Configuration;
        bool fixedPoint = c.Numerics == NumericFormat.FixedPoint16;
        c.Thresholds?.Validate(graph, fixedPoint: false);
        if (fixedPoint)
        {
            _quantization = c.Quantization ?? throw new ArgumentException("Fixed-point inference needs a QuantizationPlan; calibrate one first.", nameof(configuration));
            _quantization.Validate(graph);
        }
        (_steps, _outputSlots) = Plan(graph);
        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            Shape sample = graph.ShapeOf(layer.Input).WithBatch(1);
            _layers[layer] = (layer, _quantization) switch
            {
                (ConvNode conv, null) => new FloatConvExecutor(conv, sample, c.Thresholds, c.Division),
                (FullyConnectedNode fc, null) => new FloatFullyConnectedExecutor(fc, sample, c.Thresholds, c.Division),
                (ConvNode conv, { } q) => new FixedPointConvExecutor(conv, sample, c.Thresholds, c.Division, q),
                (FullyConnectedNode fc, { } q) => new FixedPointFullyConnectedExecutor(fc, sample, c.Thresholds, c.Division, q),
                _ => throw new GraphException($"Layer '{layer.Name}' ({layer.OpName}) has no kernel."),
            };
        }
        _fatRelu = new Dictionary<string, float>(c.FatReluThresholds ?? new Dictionary<string, float>(), StringComparer.Ordinal);
        foreach (string name in _fatRelu.Keys)
        {
            if (!graph.Nodes.Any(n => n.Name == name && n is ActivationNode { Kind: ActivationKind.Relu }))
            {
                throw new GraphException($"FATReLU threshold given for '{name}', which is not a Relu node of the graph.");
            }
        }
        _stepTau = _steps.Select(step => _fatRelu.GetValueOrDefault(step.Node.Name)).ToArray();
        _stepRound = _steps.Select(step => _quantization?.ValueBits(step.Node.Output) is int bits
            ? new Func<double, float>(v => FixedPointMath.Dequantize(FixedPointMath.Quantize(v, bits), bits))
            : null).ToArray();
    }

    /// <summary>The graph this engine runs.</summary>
    public ModelGraph Graph { get; }

    /// <summary>How this engine runs.</summary>
    public PruningConfiguration Configuration { get; }

    /// <summary>Runs a batch and returns the first graph output.</summary>
    /// <param name="input">Shape [batch, ...] matching the graph input.</param>
    /// <param name="statistics">When given, exact per-layer MAC counts are added to it (the counting kernels run even for dense configurations).</param>
    public Tensor Run(Tensor input, InferenceStatistics? statistics = null) => RunAll(input, statistics)[0];

    /// <summary>Runs a batch and returns all graph outputs in order.</summary>
    public IReadOnlyList<Tensor> RunAll(Tensor input, InferenceStatistics? statistics = null) => RunSplit(input, statistics, null);

    /// <summary>
    /// Runs a batch and returns the first graph output, adding sample i's counts to <paramref name="perSample"/>[i]
    /// (one fresh statistics object per sample): each sample's counts equal those of running it alone.
    /// </summary>
    internal Tensor RunPerSample(Tensor input, InferenceStatistics[] perSample)
    {
        if (perSample.Length != input.Shape[0])
        {
            throw new ArgumentException($"{perSample.Length} statistics objects for a batch of {input.Shape[0]}.", nameof(perSample));
        }
        return RunSplit(input, null, perSample)[0];
    }

    /// <summary>Runs the batch in contiguous chunks of samples, one per thread; counts go to <paramref name="statistics"/> or per sample.</summary>
    private Tensor[] RunSplit(Tensor input, InferenceStatistics? statistics, InferenceStatistics[]? perSample)
    {
        int batch = CheckInput(input);
        Tensor[] outputs = Graph.Outputs.Select(o => new Tensor(o.Shape.WithBatch(batch))).ToArray();
        int threads = Math.Min(Environment.ProcessorCount, batch / MinSamplesPerThread);
        if (threads <= 1)
        {
            Execute(input.Data, 0, batch, outputs, statistics, perSample, null);
            return outputs;
        }
        // Samples are independent: each thread runs a contiguous chunk straight into the outputs.
        int chunk = (batch + threads - 1) / threads;
        var stats = new InferenceStatistics?[threads];
        Parallel.For(0, threads, t =>
        {
            int start = t * chunk, count = Math.Min(chunk, batch - start);
            stats[t] = statistics is null ? null : new InferenceStatistics { CountsSortedLists = statistics.CountsSortedLists };
            Execute(input.Data, start, count, outputs, stats[t], perSample, null);
        });
        foreach (InferenceStatistics? s in stats)
        {
            if (s is not null)
            {
                statistics!.Add(s);
            }
        }
        return outputs;
    }

    /// <summary>Runs a dense float batch sequentially, showing every value to <paramref name="observer"/>, one sample at a time.</summary>
    internal void RunObserved(Tensor input, IEngineObserver observer)
    {
        int batch = CheckInput(input);
        Execute(input.Data, 0, batch, Graph.Outputs.Select(o => new Tensor(o.Shape.WithBatch(batch))).ToArray(), null, null, observer);
    }

    private int CheckInput(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Shape expected = Graph.Input.Shape, actual = input.Shape;
        bool ok = actual.Rank == expected.Rank && actual[0] >= 1;
        for (int i = 1; ok && i < actual.Rank; i++)
        {
            ok = actual[i] == expected[i];
        }
        if (!ok || (expected[0] != Shape.Dynamic && expected[0] != actual[0]))
        {
            throw new GraphException($"Input '{Graph.Input.Name}' of model '{Graph.Name}' expects shape {expected} but got {actual}.");
        }
        return actual[0];
    }

    /// <summary>
    /// The steps of a sample's run in topological order. Value slot 0 is the graph input, slot i + 1 the
    /// output of node i; each step lists the slots whose last reader it is, so their buffers go back to
    /// the pool right after it (graph outputs are kept to the end of the sample). The last readers come
    /// from one pass over the nodes, not from the graph's buffer placement, which costs far more to build.
    /// </summary>
    private static (Step[] Steps, int[] OutputSlots) Plan(ModelGraph graph)
    {
        var slots = new Dictionary<string, int>(StringComparer.Ordinal) { [graph.Input.Name] = 0 };
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            slots[graph.Nodes[i].Output] = i + 1;
        }
        // Graph outputs are never released by a step (their last use is past the last node), and an unread graph
        // input never is either (-1).
        Dictionary<string, int> lastUse = graph.LastUses();
        var steps = new Step[graph.Nodes.Count];
        int layerIndex = 0;
        for (int i = 0; i < steps.Length; i++)
        {
            Node node = graph.Nodes[i];
            int[] release = node.Inputs.Append(node.Output).Distinct().Where(v => lastUse[v] == i).Select(v => slots[v]).ToArray();
            steps[i] = new Step(
                i,
                node,
                node.Inputs.Select(v => slots[v]).ToArray(),
                node.Inputs.Select(v => graph.ShapeOf(v).WithBatch(1)).ToArray(),
                i + 1,
                graph.ShapeOf(node.Output).WithBatch(1),
                release,
                node is PrunableNode ? layerIndex++ : -1,
                node is PrunableNode ? null : OpTable.Find(node)?.Kernel ?? throw new GraphException($"Node '{node.Name}' ({node.OpName}) has no kernel."));
        }
        return (steps, graph.Outputs.Select(o => slots[o.Name]).ToArray());
    }

    /// <summary>
    /// Runs samples [start, start + count) one at a time through the whole graph, reusing buffers from the
    /// thread's pool; counts go to <paramref name="statistics"/>, or to <paramref name="perSample"/>[s] when given.
    /// </summary>
    private void Execute(float[] inputData, int start, int count, Tensor[] outputs, InferenceStatistics? statistics,
        InferenceStatistics[]? perSample, IEngineObserver? observer)
    {
        var workspace = new Workspace();
        // The thread's pool is taken for the run (a nested run on this thread, if any, makes its own), so a
        // batch of 1 (an ML.NET row, a latency run) reuses the value buffers of the previous run.
        BufferPool pool = t_pool ?? new BufferPool();
        t_pool = null;
        var values = new float[]?[_steps.Length + 1];
        int inSize = Graph.InputSampleSize;
        var layerStats = new LayerStatistics?[_layers.Count];
        ForLayers(statistics, layerStats);
        for (int s = start; s < start + count; s++)
        {
            if (perSample is not null)
            {
                ForLayers(perSample[s], layerStats);
            }
            float[] first = pool.Rent(inSize);
            Array.Copy(inputData, s * inSize, first, 0, inSize);
            if (_quantization is not null)
            {
                CheckFinite(first, s);
                Requantize(first, Graph.Input.Name);
            }
            values[0] = first;
            observer?.OnValue(Graph.Input.Name, first);
            RunSteps(values, 0, _steps.Length, pool, workspace, layerStats, observer);
            for (int o = 0; o < outputs.Length; o++)
            {
                float[] y = values[_outputSlots[o]]!;
                Array.Copy(y, 0, outputs[o].Data, s * y.Length, y.Length);
            }
            foreach (int slot in _outputSlots.Distinct())
            {
                pool.Return(values[slot]!);
                values[slot] = null;
            }
        }
        t_pool = pool;
    }

    /// <summary>
    /// Runs sample <paramref name="sample"/> of a float batch through the nodes before node <paramref name="node"/>
    /// (its index in <see cref="ModelGraph.Nodes"/>) and returns the values alive there, by slot (null where none):
    /// the start that <see cref="ResumeObserved"/> runs the rest of the graph from, as often as asked.
    /// </summary>
    internal float[]?[] RunPrefix(Tensor input, int sample, int node)
    {
        CheckInput(input);
        CheckFloat();
        ArgumentOutOfRangeException.ThrowIfNegative(sample);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(sample, input.Shape[0]);
        ArgumentOutOfRangeException.ThrowIfNegative(node);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(node, _steps.Length);
        var values = new float[]?[_steps.Length + 1];
        int inSize = Graph.InputSampleSize;
        values[0] = input.Data.AsSpan(sample * inSize, inSize).ToArray();
        // A pool of its own, dropped here: the live buffers it handed out become the caller's.
        RunSteps(values, 0, node, new BufferPool(), new Workspace(), new LayerStatistics?[_layers.Count], null);
        return values;
    }

    /// <summary>
    /// Runs the nodes from <paramref name="node"/> on, starting from a copy of <paramref name="prefix"/> (<see cref="RunPrefix"/> at
    /// the same node, which is left as it was), showing every value computed to <paramref name="observer"/>; returns the
    /// sample's first graph output. The same as running the whole sample observed, without computing the prefix again.
    /// </summary>
    internal float[] ResumeObserved(float[]?[] prefix, int node, IEngineObserver observer)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        CheckFloat();
        if (prefix.Length != _steps.Length + 1)
        {
            throw new ArgumentException($"A prefix of {prefix.Length} values for a graph of {_steps.Length + 1}.", nameof(prefix));
        }
        BufferPool pool = t_pool ?? new BufferPool();
        t_pool = null;
        var values = new float[]?[prefix.Length];
        for (int slot = 0; slot < prefix.Length; slot++)
        {
            if (prefix[slot] is { } value)
            {
                float[] copy = pool.Rent(value.Length);
                value.CopyTo(copy, 0);
                values[slot] = copy;
            }
        }
        RunSteps(values, node, _steps.Length, pool, new Workspace(), new LayerStatistics?[_layers.Count], observer);
        float[] output = values[_outputSlots[0]]!.ToArray();
        foreach (float[]? value in values)
        {
            if (value is not null)
            {
                pool.Return(value);
            }
        }
        t_pool = pool;
        return output;
    }

    /// <summary>Runs from a saved prefix are float only: a fixed-point run checks and requantizes its input first.</summary>
    private void CheckFloat()
    {
        if (_quantization is not null)
        {
            throw new InvalidOperationException("Runs from a saved prefix are for float engines only.");
        }
    }

    /// <summary>
    /// Runs nodes [<paramref name="from"/>, <paramref name="to"/>) of one sample on <paramref name="values"/> (by slot), giving
    /// each value back to <paramref name="pool"/> after its last reader.
    /// </summary>
    private void RunSteps(float[]?[] values, int from, int to, BufferPool pool, Workspace workspace, LayerStatistics?[] layerStats, IEngineObserver? observer)
    {
        for (int i = from; i < to; i++)
        {
            Step step = _steps[i];
            float[] y = pool.Rent(step.OutputShape.SampleSize);
            if (step.Node is PrunableNode layer)
            {
                float[] x = values[step.InputSlots[0]]!;
                observer?.OnLayerInput(layer, x, step.InputShapes[0]);
                LayerStatistics? ls = layerStats[step.LayerIndex];
                if (ls is not null)
                {
                    ls.Samples++;
                }
                _layers[layer].Run(x, y, ls, workspace);
            }
            else
            {
                RunNode(step, values, y);
            }
            values[step.OutputSlot] = y;
            observer?.OnValue(step.Node.Output, y);
            foreach (int slot in step.Release)
            {
                pool.Return(values[slot]!);
                values[slot] = null;
            }
        }
    }

    /// <summary>Each prunable layer's entry of <paramref name="statistics"/> (all null without statistics), in layer order.</summary>
    private void ForLayers(InferenceStatistics? statistics, LayerStatistics?[] into)
    {
        IReadOnlyList<PrunableNode> layers = Graph.PrunableLayers;
        for (int i = 0; i < into.Length; i++)
        {
            into[i] = statistics?.For(layers[i].Name);
        }
    }

    /// <summary>Fixed point has no NaN or infinity: such an input is refused rather than saturated into a plausible number.</summary>
    private void CheckFinite(float[] sample, int index)
    {
        int bad = Array.FindIndex(sample, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"Sample {index} of input '{Graph.Input.Name}' holds {sample[bad]} at element {bad}; int16 fixed-point inference has no NaN or infinity.");
        }
    }

    private void Requantize(float[] data, string value)
    {
        int bits = _quantization!.ValueBits(value);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = FixedPointMath.Dequantize(FixedPointMath.Quantize(data[i], bits), bits);
        }
    }

    private void RunNode(Step step, float[]?[] values, float[] y)
    {
        Node node = step.Node;
        var inputs = new float[step.InputSlots.Length][];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = values[step.InputSlots[i]]!;
        }
        step.Kernel!(node, new NodeRun(inputs, step.InputShapes, y, step.OutputShape, _stepTau[step.Index], _stepRound[step.Index]));
        if (_quantization is not null)
        {
            // Non-MAC ops run in float on exact Q values; their results go back onto the output's Q grid.
            Requantize(y, node.Output);
        }
    }

    /// <summary>One node of a sample's run: where its operands live and what runs it.</summary>
    private sealed record Step(
        int Index,
        Node Node,
        int[] InputSlots,
        Shape[] InputShapes,
        int OutputSlot,
        Shape OutputShape,
        int[] Release,
        int LayerIndex,
        Action<Node, NodeRun>? Kernel);
}
