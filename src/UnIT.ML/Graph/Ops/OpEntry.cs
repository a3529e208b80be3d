namespace UnIT.ML.Graph.Ops;

/// <summary>
/// The facts about one node type that are not the node's own (shape inference and MAC count are
/// virtual members of <see cref="Node"/>): its serializer tag and attribute format, its kernel, and
/// its fixed-point behaviour.
/// </summary>
/// <param name="NodeType">The node class.</param>
/// <param name="Tag">The serialized tag; part of the graph format, never reused.</param>
/// <param name="WriteAttributes">Writes the node's attributes (after its name, inputs and output).</param>
/// <param name="Read">Reads a node given its name, inputs and output, then its attributes.</param>
/// <param name="Kernel">Runs one sample; null for prunable layers, which run through the engine's executors.</param>
/// <param name="KeepsInputGrid">
/// True when, in fixed point, the node only moves or selects values (reshape, max pooling, Relu), so its
/// output keeps its input's Q format and nothing is rounded; otherwise it computes in float on the exact
/// Q values of its inputs and the result is rounded onto the output's Q format (half away from zero, saturated).
/// </param>
internal sealed record OpEntry(
    Type NodeType,
    byte Tag,
    Action<BinaryWriter, Node> WriteAttributes,
    Func<NodeHeader, BinaryReader, Node> Read,
    Action<Node, NodeRun>? Kernel,
    Func<Node, bool> KeepsInputGrid);
