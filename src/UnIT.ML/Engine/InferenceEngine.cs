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
    private readonly Dictionary<string, float> _fatRelu;
    private readonly QuantizationPlan? _quantization;

    /// <summary>Prepares the engine; throws <see cref="GraphException"/> when the configuration does not fit the graph.</summary>
    public InferenceEngine(ModelGraph graph, PruningConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Graph = graph;
        Configuration = configuration ?? PruningConfiguration.Dense;
        PruningConfiguration c = Configuration;
        if (c.Thresholds is not null)
        {
            foreach (string name in c.Thresholds.Layers.Keys)
            {
                graph.Layer(name);
            }
        }
        if (c.Numerics == NumericFormat.FixedPoint16)
        {
            _quantization = c.Quantization ?? throw new ArgumentException("Fixed-point inference needs a QuantizationPlan; calibrate one first.", nameof(configuration));
        }
        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            _layers[layer] = (layer, _quantization) switch
            {
                (ConvNode conv, null) => new FloatConvExecutor(conv, c.Thresholds, c.Division),
                (FullyConnectedNode fc, null) => new FloatFullyConnectedExecutor(fc, c.Thresholds, c.Division),
                (ConvNode conv, { } q) => new FixedPointConvExecutor(conv, c.Thresholds, c.Division, q),
                (FullyConnectedNode fc, { } q) => new FixedPointFullyConnectedExecutor(fc, c.Thresholds, c.Division, q),
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
        int threads = Math.Min(Environment.ProcessorCount, batch / MinSamplesPerThread);
        if (threads <= 1)
        {
            return Execute(input.Data, batch, statistics, null);
        }
        // Samples are independent: split the batch, run the chunks in parallel, stitch in order.
        int chunk = (batch + threads - 1) / threads;
        int sampleSize = Graph.InputSampleSize;
        var results = new IReadOnlyList<Tensor>[threads];
        var stats = new InferenceStatistics?[threads];
        Parallel.For(0, threads, t =>
        {
            int start = t * chunk, count = Math.Min(chunk, batch - start);
            stats[t] = statistics is null ? null : new InferenceStatistics();
            results[t] = count <= 0 ? [] : Execute(input.Data.AsSpan(start * sampleSize, count * sampleSize).ToArray(), count, stats[t], null);
        });
        foreach (InferenceStatistics? s in stats)
        {
            if (s is not null)
            {
                statistics!.Add(s);
            }
        }
        return Graph.Outputs.Select((o, i) =>
        {
            float[] data = results.Where(r => r.Count > 0).SelectMany(r => r[i].Data).ToArray();
            return new Tensor(o.Shape.WithBatch(batch), data);
        }).ToArray();
    }

    /// <summary>Runs a dense float batch sequentially, showing every value to <paramref name="observer"/>.</summary>
    internal void RunObserved(Tensor input, IEngineObserver observer) => Execute(input.Data, CheckInput(input), null, observer);

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

    private Tensor[] Execute(float[] inputData, int batch, InferenceStatistics? statistics, IEngineObserver? observer)
    {
        var values = new Dictionary<string, float[]>(StringComparer.Ordinal);
        float[] first = _quantization is null ? inputData : Requantize(inputData, Graph.Input.Name);
        values[Graph.Input.Name] = first;
        observer?.OnValue(Graph.Input.Name, first);
        foreach (Node node in Graph.Nodes)
        {
            float[] x = values[node.Input];
            Shape inShape = Graph.ShapeOf(node.Input).WithBatch(batch);
            Shape outShape = Graph.ShapeOf(node.Output).WithBatch(batch);
            var y = new float[outShape.ElementCount];
            if (node is PrunableNode layer)
            {
                observer?.OnLayerInput(layer, x, inShape);
                LayerStatistics? ls = statistics?.For(layer.Name);
                if (ls is not null)
                {
                    ls.Samples += batch;
                }
                _layers[layer].Run(x, inShape, y, outShape, batch, ls);
            }
            else
            {
                RunNode(node, x, inShape, y, outShape, batch);
                if (_quantization is not null)
                {
                    // Non-MAC ops run in float on exact Q values; their results go back onto the output's Q grid.
                    y = Requantize(y, node.Output);
                }
            }
            values[node.Output] = y;
            observer?.OnValue(node.Output, y);
        }
        return Graph.Outputs.Select(o => new Tensor(o.Shape.WithBatch(batch), values[o.Name])).ToArray();
    }

    private float[] Requantize(float[] data, string value)
    {
        int bits = _quantization!.ValueBits(value);
        var q = new float[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            q[i] = FixedPointMath.Dequantize(FixedPointMath.Quantize(data[i], bits), bits);
        }
        return q;
    }

    private void RunNode(Node node, float[] x, Shape inShape, float[] y, Shape outShape, int batch)
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
                int inSize = inShape.SampleSize, outSize = outShape.SampleSize;
                for (int s = 0; s < batch; s++)
                {
                    PoolKernel.Run(p, inShape, outShape, x.AsSpan(s * inSize, inSize), y.AsSpan(s * outSize, outSize));
                }
                break;
            case GlobalAveragePoolNode:
                int perSample = inShape.SampleSize;
                for (int s = 0; s < batch; s++)
                {
                    PoolKernel.GlobalAverage(inShape[1], x.AsSpan(s * perSample, perSample), y.AsSpan(s * inShape[1], inShape[1]));
                }
                break;
            default:
                throw new GraphException($"Node '{node.Name}' ({node.OpName}) has no kernel.");
        }
    }
}
