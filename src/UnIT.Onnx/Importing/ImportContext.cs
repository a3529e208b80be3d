using UnIT.ML.Graph;
using UnIT.Onnx.Protos;

namespace UnIT.Onnx.Importing;

/// <summary>
/// The state of one import: constants known so far, run-time values with their shapes, renames
/// left by removed nodes (Identity, Dropout), and the graph nodes emitted so far. Op importers
/// read their inputs and add their results through it.
/// </summary>
internal sealed class ImportContext
{
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConstantTensor> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Shape> _shapes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Node> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _uses = new(StringComparer.Ordinal);
    private readonly HashSet<string> _layerNames = new(StringComparer.Ordinal);
    private readonly List<Node> _nodes = [];

    /// <summary>Creates the context; use counts come from every node input and graph output of <paramref name="graph"/>.</summary>
    public ImportContext(int opset, GraphProto graph, string? baseDirectory)
    {
        Opset = opset;
        BaseDirectory = baseDirectory;
        foreach (string name in graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)))
        {
            if (name.Length > 0)
            {
                _uses[name] = _uses.GetValueOrDefault(name) + 1;
            }
        }
    }

    /// <summary>
    /// The batch size the model's input was exported with, when it was fixed (PyTorch's default export
    /// has batch 1). The graph runs per sample on any batch, so reshape targets may name it for the batch axis.
    /// </summary>
    public int? FixedBatch { get; set; }

    /// <summary>The model's default-domain opset version.</summary>
    public int Opset { get; }

    /// <summary>The directory external data files are relative to, if known.</summary>
    public string? BaseDirectory { get; }

    /// <summary>The graph nodes emitted so far, in execution order.</summary>
    public IReadOnlyList<Node> Nodes => _nodes;

    /// <summary>The name a value is known by after removed nodes were bypassed.</summary>
    public string Resolve(string name) => _aliases.TryGetValue(name, out string? target) ? target : name;

    /// <summary>Makes <paramref name="output"/> another name for <paramref name="input"/> (a removed pass-through node).</summary>
    public void Alias(string output, string input)
    {
        string target = Resolve(input);
        _aliases[output] = target;
        // The removed node no longer reads its input; its output's readers now do.
        _uses[target] = _uses.GetValueOrDefault(target) + _uses.GetValueOrDefault(output) - 1;
    }

    /// <summary>Number of readers of a value (node inputs and graph outputs).</summary>
    public int Uses(string name) => _uses.GetValueOrDefault(Resolve(name));

    /// <summary>The constant behind a value, if it is one.</summary>
    public bool TryGetConstant(string name, out ConstantTensor value) =>
        _constants.TryGetValue(Resolve(name), out value!);

    /// <summary>Records a constant value (an initializer or a folded result).</summary>
    public void SetConstant(string name, ConstantTensor value) => _constants[name] = value;

    /// <summary>True when the value is computed at run time by the graph.</summary>
    public bool IsRuntime(string name) => _shapes.ContainsKey(Resolve(name));

    /// <summary>The inferred shape of a run-time value.</summary>
    public Shape ShapeOf(string name) => _shapes[Resolve(name)];

    /// <summary>Registers the graph's run-time input.</summary>
    public void AddInput(ValueInfo input) => _shapes[input.Name] = input.Shape;

    /// <summary>Appends a graph node and infers its output shape (throws <see cref="GraphException"/> when it does not fit).</summary>
    public void Add(Node node)
    {
        _shapes[node.Output] = node.InferOutputShape(InputShapes(node));
        _producers[node.Output] = node;
        _nodes.Add(node);
    }

    /// <summary>
    /// The node of type <typeparamref name="T"/> that produces <paramref name="value"/>, when the
    /// value has no other reader (so the producer may absorb the reader), else null.
    /// </summary>
    public T? SoleProducer<T>(string value) where T : Node
    {
        string name = Resolve(value);
        return _producers.TryGetValue(name, out Node? node) && node is T typed && Uses(name) == 1 ? typed : null;
    }

    /// <summary>Puts <paramref name="replacement"/> (same input, possibly another output) in the place of <paramref name="original"/>.</summary>
    public void Replace(Node original, Node replacement)
    {
        int index = _nodes.IndexOf(original);
        _shapes.Remove(original.Output);
        _producers.Remove(original.Output);
        _shapes[replacement.Output] = replacement.InferOutputShape(InputShapes(replacement));
        _producers[replacement.Output] = replacement;
        _nodes[index] = replacement;
    }

    /// <summary>
    /// Makes the graph output <paramref name="output"/> a real value again when a removed node
    /// (Identity, Dropout) renamed it: the producer of the value behind it writes it directly,
    /// provided nothing else reads that value.
    /// </summary>
    public void RestoreOutputName(string output)
    {
        string target = Resolve(output);
        if (target == output || Uses(target) != 1 || !_producers.TryGetValue(target, out Node? producer))
        {
            return;
        }
        Replace(producer, producer.Rewired(producer.Inputs, output));
        _uses[output] = 1;
        foreach (string alias in _aliases.Where(a => a.Value == target).Select(a => a.Key).ToList())
        {
            _aliases[alias] = output;
        }
        _aliases.Remove(output);
    }

    /// <summary>A graph-node name for an ONNX node, unique among the names handed out so far.</summary>
    public string LayerName(OnnxNode node)
    {
        string name = node.Name;
        for (int i = 2; !_layerNames.Add(name); i++)
        {
            name = $"{node.Name}_{i}";
        }
        return name;
    }

    /// <summary>The emitted nodes that contribute to <paramref name="outputs"/>, in order; dead branches are dropped.</summary>
    public IReadOnlyList<Node> LiveNodes(IEnumerable<string> outputs)
    {
        var needed = new HashSet<string>(outputs, StringComparer.Ordinal);
        var live = new List<Node>();
        for (int i = _nodes.Count - 1; i >= 0; i--)
        {
            if (needed.Contains(_nodes[i].Output))
            {
                live.Add(_nodes[i]);
                needed.UnionWith(_nodes[i].Inputs);
            }
        }
        live.Reverse();
        return live;
    }

    private Shape[] InputShapes(Node node) => node.Inputs.Select(v => _shapes[v]).ToArray();
}
