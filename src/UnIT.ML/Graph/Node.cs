namespace UnIT.ML.Graph;

/// <summary>
/// One operation of the graph. Every supported operation has exactly one run-time input
/// (constants such as weights are stored in the node) and one output, both named values.
/// </summary>
public abstract class Node
{
    /// <summary>Creates a node.</summary>
    protected Node(string name, string input, string output)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        ArgumentException.ThrowIfNullOrEmpty(output);
        Name = string.IsNullOrEmpty(name) ? output : name;
        Input = input;
        Output = output;
    }

    /// <summary>The node's name (the ONNX node name, or its output's name when the node had none).</summary>
    public string Name { get; }

    /// <summary>The name of the value this node reads.</summary>
    public string Input { get; }

    /// <summary>The name of the value this node writes.</summary>
    public string Output { get; }

    /// <summary>A short operator name for summaries, e.g. <c>Conv2d</c> or <c>Relu</c>.</summary>
    public abstract string OpName { get; }

    /// <summary>The output shape for an input of shape <paramref name="input"/>; throws <see cref="GraphException"/> when they do not fit.</summary>
    public abstract Shape InferOutputShape(Shape input);

    /// <summary>Multiply-accumulates this node performs per sample for the given input shape.</summary>
    public virtual long MacsPerSample(Shape input) => 0;

    /// <summary>Number of stored parameters (weights, biases, constants).</summary>
    public virtual long ParameterCount => 0;

    /// <summary>A short description of the attributes, for summaries.</summary>
    public virtual string Attributes => string.Empty;

    /// <summary>Throws a <see cref="GraphException"/> naming this node.</summary>
    protected GraphException Error(string message) => new($"Node '{Name}' ({OpName}): {message}");
}
