namespace UnIT.ML.Graph;

/// <summary>
/// One operation of the graph: it reads one or more named run-time values (constants such as weights
/// are stored in the node) and writes one named value. Every value has the batch axis first, and
/// every node computes each sample from that sample alone, so a graph runs on any batch size.
/// </summary>
public abstract class Node
{
    /// <summary>Creates a node with one run-time input.</summary>
    protected Node(string name, string input, string output)
        : this(name, [input], output)
    {
    }

    /// <summary>Creates a node with several run-time inputs (in operand order).</summary>
    protected Node(string name, IReadOnlyList<string> inputs, string output)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentException.ThrowIfNullOrEmpty(output);
        if (inputs.Count == 0)
        {
            throw new ArgumentException($"Node '{name}' has no inputs.", nameof(inputs));
        }
        foreach (string input in inputs)
        {
            ArgumentException.ThrowIfNullOrEmpty(input, nameof(inputs));
        }
        Name = string.IsNullOrEmpty(name) ? output : name;
        Inputs = inputs.ToArray();
        Output = output;
    }

    /// <summary>The node's name (the ONNX node name, or its output's name when the node had none).</summary>
    public string Name { get; }

    /// <summary>The names of the values this node reads, in operand order.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>The name of the first (for most nodes the only) value this node reads.</summary>
    public string Input => Inputs[0];

    /// <summary>The name of the value this node writes.</summary>
    public string Output { get; }

    /// <summary>A short operator name for summaries, e.g. <c>Conv2d</c> or <c>Relu</c>.</summary>
    public abstract string OpName { get; }

    /// <summary>The output shape for an input of shape <paramref name="input"/>; throws <see cref="GraphException"/> when they do not fit.</summary>
    public abstract Shape InferOutputShape(Shape input);

    /// <summary>
    /// The output shape for inputs of the given shapes (in <see cref="Inputs"/> order); throws
    /// <see cref="GraphException"/> when they do not fit. Nodes with one input use <see cref="InferOutputShape(Shape)"/>.
    /// </summary>
    public virtual Shape InferOutputShape(IReadOnlyList<Shape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.Count == 1
            ? InferOutputShape(inputs[0])
            : throw Error($"takes one input but was given {inputs.Count}.");
    }

    /// <summary>Multiply-accumulates this node performs per sample for the given (first) input shape.</summary>
    public virtual long MacsPerSample(Shape input) => 0;

    /// <summary>Number of stored parameters (weights, biases, constants).</summary>
    public virtual long ParameterCount => 0;

    /// <summary>A short description of the attributes, for summaries.</summary>
    public virtual string Attributes => string.Empty;

    /// <summary>A copy of this node (same name, op and attributes) that reads <paramref name="inputs"/> and writes <paramref name="output"/>.</summary>
    /// <exception cref="NotSupportedException">For a node type outside the library's op table.</exception>
    public Node Rewired(IReadOnlyList<string> inputs, string output) => Ops.OpTable.Rewired(this, inputs, output);

    /// <summary>Throws a <see cref="GraphException"/> naming this node.</summary>
    protected GraphException Error(string message) => new($"Node '{Name}' ({OpName}): {message}");
}
