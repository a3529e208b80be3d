using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace UnIT.ML.Graph;

/// <summary>
/// The intermediate representation of a CNN: one input, nodes in a topological (execution) order
/// that form a directed acyclic graph (a value may have several readers; a node may read several
/// values), and named outputs. Shapes of every value are inferred on construction (the batch axis may
/// be dynamic), and the activation memory a sample needs is planned from the values' lifetimes.
/// Immutable: baselines that change weights build a new graph.
/// </summary>
public sealed class ModelGraph
{
    private readonly Dictionary<string, Shape> _shapes = new(StringComparer.Ordinal);
    private ActivationPlan? _memory;
    private string? _weightsFingerprint;

    /// <summary>Creates the graph and infers all shapes; throws <see cref="GraphException"/> when nodes do not connect.</summary>
    public ModelGraph(ValueInfo input, IReadOnlyList<Node> nodes, IReadOnlyList<string> outputs, string name = "model")
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(outputs);
        if (input.Shape.Rank < 1)
        {
            throw new GraphException($"Graph input '{input.Name}' must have a batch axis; its shape is {input.Shape}.");
        }
        if (outputs.Count == 0)
        {
            throw new GraphException("The graph has no outputs.");
        }
        Name = name;
        Input = input;
        Nodes = nodes.ToArray();
        _shapes[input.Name] = input.Shape;
        foreach (Node node in Nodes)
        {
            var inShapes = new Shape[node.Inputs.Count];
            for (int i = 0; i < inShapes.Length; i++)
            {
                if (!_shapes.TryGetValue(node.Inputs[i], out Shape? s))
                {
                    throw new GraphException($"Node '{node.Name}' ({node.OpName}) reads '{node.Inputs[i]}', which no earlier node or graph input produces (nodes must be in topological order, without cycles).");
                }
                inShapes[i] = s;
            }
            if (_shapes.ContainsKey(node.Output))
            {
                throw new GraphException($"Node '{node.Name}' ({node.OpName}) writes '{node.Output}', which is already produced elsewhere.");
            }
            _shapes[node.Output] = node.InferOutputShape(inShapes);
            if (_shapes[node.Output].Rank < 1)
            {
                throw new GraphException($"Node '{node.Name}' ({node.OpName}) produces a value without a batch axis.");
            }
        }
        Outputs = outputs.Select(o => _shapes.TryGetValue(o, out Shape? s)
            ? new ValueInfo(o, s)
            : throw new GraphException($"Graph output '{o}' is not produced by any node.")).ToArray();
        PrunableLayers = Nodes.OfType<PrunableNode>().ToArray();
        try
        {
            // Enumerable.Sum over longs throws on overflow rather than wrapping around.
            TotalMacsPerSample = Nodes.Sum(MacsPerSample);
            TotalParameters = Nodes.Sum(n => n.ParameterCount);
        }
        catch (OverflowException)
        {
            throw new GraphException($"The graph's MAC or parameter count per sample exceeds {long.MaxValue}.");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (PrunableNode layer in PrunableLayers)
        {
            if (!names.Add(layer.Name))
            {
                throw new GraphException($"Two prunable layers are both named '{layer.Name}'; thresholds are keyed by layer name.");
            }
        }
    }

    /// <summary>
    /// A digest (32 hex digits of SHA-256) of the prunable layers' names, weight shapes, weights and biases: thresholds
    /// record it, so a set calibrated on one model is refused on another that merely shares its layer names.
    /// </summary>
    public string WeightsFingerprint => _weightsFingerprint ??= ComputeWeightsFingerprint();

    private string ComputeWeightsFingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (PrunableNode layer in PrunableLayers)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(layer.Name + "\0" + layer.Weight.Shape + "\0"));
            hash.AppendData(MemoryMarshal.AsBytes(layer.Weight.Data.AsSpan()));
            hash.AppendData(layer.Bias is null ? [0] : [1, .. MemoryMarshal.AsBytes(layer.Bias.AsSpan())]);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16));
    }

    /// <summary>How much activation memory one sample needs: value lifetimes and a buffer plan.</summary>
    public ActivationPlan Memory => _memory ??= new ActivationPlan(this);

    /// <summary>
    /// Each value's last use, as an index into <see cref="Nodes"/>: the last node that reads it, or for a node output
    /// nobody reads the node that writes it; the graph input unread by any node has -1, and graph outputs have
    /// <c>Nodes.Count</c> (they live to the end). One pass over the nodes.
    /// </summary>
    internal Dictionary<string, int> LastUses()
    {
        var last = new Dictionary<string, int>(StringComparer.Ordinal) { [Input.Name] = -1 };
        for (int i = 0; i < Nodes.Count; i++)
        {
            last[Nodes[i].Output] = i;
            foreach (string input in Nodes[i].Inputs)
            {
                last[input] = i;
            }
        }
        foreach (ValueInfo output in Outputs)
        {
            last[output.Name] = Nodes.Count;
        }
        return last;
    }

    /// <summary>The model's name (the file name or producer's graph name).</summary>
    public string Name { get; }

    /// <summary>The single run-time input.</summary>
    public ValueInfo Input { get; }

    /// <summary>Nodes in execution order.</summary>
    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>The graph's outputs with their shapes.</summary>
    public IReadOnlyList<ValueInfo> Outputs { get; }

    /// <summary>The convolution and fully connected layers, in execution order.</summary>
    public IReadOnlyList<PrunableNode> PrunableLayers { get; }

    /// <summary>Elements per sample of the input (everything after the batch axis).</summary>
    public int InputSampleSize => Input.Shape.SampleSize;

    /// <summary>The inferred shape of the named value.</summary>
    public Shape ShapeOf(string value) => _shapes.TryGetValue(value, out Shape? s)
        ? s
        : throw new GraphException($"The graph has no value named '{value}'.");

    /// <summary>MACs per sample of one node.</summary>
    public long MacsPerSample(Node node) => node.MacsPerSample(ShapeOf(node.Input));

    /// <summary>MACs per sample of the whole graph.</summary>
    public long TotalMacsPerSample { get; }

    /// <summary>Number of stored parameters.</summary>
    public long TotalParameters { get; }

    /// <summary>The prunable layer with the given name.</summary>
    public PrunableNode Layer(string name) => PrunableLayers.FirstOrDefault(l => l.Name == name)
        ?? throw new GraphException($"The graph has no prunable layer named '{name}'. Layers: {string.Join(", ", PrunableLayers.Select(l => l.Name))}.");

    /// <summary>A copy of this graph with some prunable layers replaced (matched by name).</summary>
    public ModelGraph WithLayers(IEnumerable<PrunableNode> replacements)
    {
        var map = replacements.ToDictionary(r => r.Name, StringComparer.Ordinal);
        return new ModelGraph(Input, Nodes.Select(n => n is PrunableNode p && map.TryGetValue(p.Name, out var r) ? r : n).ToArray(), Outputs.Select(o => o.Name).ToArray(), Name);
    }

    /// <summary>A table a person can read: one row per node with op, output shape, parameters and MACs.</summary>
    public string Summary()
    {
        var rows = new List<string[]> { new[] { "#", "name", "op", "output shape", "params", "MACs", "attributes" } };
        int i = 0;
        foreach (Node n in Nodes)
        {
            rows.Add(new[]
            {
                (i++).ToString(CultureInfo.InvariantCulture), n.Name, n.OpName, ShapeOf(n.Output).ToString(),
                n.ParameterCount.ToString("N0", CultureInfo.InvariantCulture),
                MacsPerSample(n).ToString("N0", CultureInfo.InvariantCulture), n.Attributes,
            });
        }
        int[] widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Model '{Name}': input {Input.Name} {Input.Shape}; outputs {string.Join(", ", Outputs.Select(o => $"{o.Name} {o.Shape}"))}\n");
        foreach (string[] r in rows)
        {
            sb.AppendJoin("  ", r.Select((c, k) => k is 4 or 5 ? c.PadLeft(widths[k]) : c.PadRight(widths[k]))).Append('\n');
        }
        sb.Append(CultureInfo.InvariantCulture, $"Total: {TotalParameters:N0} parameters, {TotalMacsPerSample:N0} MACs per sample\n");
        sb.Append(CultureInfo.InvariantCulture, $"Activation memory per sample: {Memory.PeakLiveElements:N0} values live at most at once; buffer arena {Memory.ArenaElements:N0} values ({Memory.ArenaElements * sizeof(float):N0} bytes as float32, {Memory.ArenaElements * sizeof(short):N0} as int16)\n");
        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => Summary();
}
