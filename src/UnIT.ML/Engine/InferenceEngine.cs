using UnIT.ML.Graph;
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
    private readonly Dictionary<PrunableNode, LayerExecutor> _layers = new();
    private readonly Dictionary<Node, (Shape In, Shape Out)> _sampleShapes = new();
    private readonly Dictionary<string, float> _fatRelu;
    private readonly QuantizationPlan? _quantization;

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
        foreach (Node node in graph.Nodes)
        {
            _sampleShapes[node] = (graph.ShapeOf(node.Input).WithBatch(1), graph.ShapeOf(node.Output).WithBatch(1));
        }
        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            Shape sample = _sampleShapes[layer].In;
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
    public IReadOnlyList<Tensor> RunAll(Tensor input, InferenceStatistics? statistics = null)
    {
        int batch = CheckInput(input);
        Tensor[] outputs = Graph.Outputs.Select(o => new Tensor(o.Shape.WithBatch(batch))).ToArray();
        int threads = Math.Min(Environment.ProcessorCount, batch / MinSamplesPerThread);
        if (threads <= 1)
        {
            Execute(input.Data, 0, batch, outputs, statistics, null);
            return outputs;
        }
        // Samples are independent: each thread runs a contiguous chunk straight into the outputs.
        int chunk = (batch + threads - 1) / threads;
        var stats = new InferenceStatistics?[threads];
        Parallel.For(0, threads, t =>
        {
            int start = t * chunk, count = Math.Min(chunk, batch - start);
            stats[t] = statistics is null ? null : new InferenceStatistics();
            Execute(input.Data, start, count, outputs, stats[t], null);
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
        Execute(input.Data, 0, batch, Graph.Outputs.Select(o => new Tensor(o.Shape.WithBatch(batch))).ToArray(), null, observer);
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

    /// <summary>Runs samples [start, start + count) one at a time through the whole graph, reusing one workspace.</summary>
    private void Execute(float[] inputData, int start, int count, Tensor[] outputs, InferenceStatistics? statistics, IEngineObserver? observer)
    {
        var workspace = new Workspace();
        var values = new Dictionary<string, float[]>(StringComparer.Ordinal);
        int inSize = Graph.InputSampleSize;
        LayerStatistics?[] layerStats = Graph.PrunableLayers.Select(l => statistics?.For(l.Name)).ToArray();
        for (int s = start; s < start + count; s++)
        {
            float[] first = workspace.Rent<float>(Graph.Input, 0, inSize);
            Array.Copy(inputData, s * inSize, first, 0, inSize);
            if (_quantization is not null)
            {
                CheckFinite(first, s);
                Requantize(first, Graph.Input.Name);
            }
            values[Graph.Input.Name] = first;
            observer?.OnValue(Graph.Input.Name, first);
            int layerIndex = 0;
            foreach (Node node in Graph.Nodes)
            {
                float[] x = values[node.Input];
                (Shape inShape, Shape outShape) = _sampleShapes[node];
                float[] y = workspace.Rent<float>(node, 0, outShape.SampleSize);
                if (node is PrunableNode layer)
                {
                    observer?.OnLayerInput(layer, x, inShape);
                    LayerStatistics? ls = layerStats[layerIndex++];
                    if (ls is not null)
                    {
                        ls.Samples++;
                    }
                    _layers[layer].Run(x, y, ls, workspace);
                }
                else
                {
                    RunNode(node, x, inShape, y, outShape);
                    if (_quantization is not null)
                    {
                        // Non-MAC ops run in float on exact Q values; their results go back onto the output's Q grid.
                        Requantize(y, node.Output);
                    }
                }
                values[node.Output] = y;
                observer?.OnValue(node.Output, y);
            }
            for (int o = 0; o < outputs.Length; o++)
            {
                float[] y = values[Graph.Outputs[o].Name];
                Array.Copy(y, 0, outputs[o].Data, s * y.Length, y.Length);
            }
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

    private void RunNode(Node node, float[] x, Shape inShape, float[] y, Shape outShape)
    {
        switch (node)
        {
            case ActivationNode a:
                ElementwiseKernel.Activation(a, x, y, _fatRelu.GetValueOrDefault(a.Name));
                break;
            case ElementwiseNode e:
                ElementwiseKernel.Binary(e, inShape, x, y);
                break;
            case BatchNormNode bn:
                ElementwiseKernel.BatchNorm(bn, inShape, x, y);
                break;
            case SoftmaxNode:
                ElementwiseKernel.Softmax(inShape[^1], x, y);
                break;
            case FlattenNode or ReshapeNode:
                x.CopyTo(y, 0);
                break;
            case PoolNode p:
                PoolKernel.Run(p, inShape, outShape, x, y);
                break;
            case GlobalAveragePoolNode:
                PoolKernel.GlobalAverage(inShape[1], x, y);
                break;
            default:
                throw new GraphException($"Node '{node.Name}' ({node.OpName}) has no kernel.");
        }
    }
}
