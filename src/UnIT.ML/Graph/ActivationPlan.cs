namespace UnIT.ML.Graph;

/// <summary>
/// The activation memory one sample needs, planned from the values' lifetimes: a value lives from the
/// step that writes it (the graph input before step 0) to the last step that reads it (graph outputs to
/// the end), and values whose lifetimes do not overlap may share memory. Buffers are placed in one arena
/// greedily, largest first, each at the lowest offset free for its whole lifetime. On a
/// microcontroller the arena is the static RAM the activations take.
/// </summary>
public sealed class ActivationPlan
{
    private readonly Dictionary<string, (int First, int Last, int Size, int Offset)> _values = new(StringComparer.Ordinal);

    /// <summary>Plans the buffers of <paramref name="graph"/>'s values, per sample.</summary>
    public ActivationPlan(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        IReadOnlyList<Node> nodes = graph.Nodes;
        var last = new Dictionary<string, int>(StringComparer.Ordinal) { [graph.Input.Name] = -1 };
        for (int i = 0; i < nodes.Count; i++)
        {
            last[nodes[i].Output] = i;
            foreach (string input in nodes[i].Inputs)
            {
                last[input] = i;
            }
        }
        foreach (ValueInfo output in graph.Outputs)
        {
            last[output.Name] = nodes.Count;
        }
        var order = new List<(string Name, int First, int Last, int Size)> { (graph.Input.Name, -1, last[graph.Input.Name], graph.Input.Shape.SampleSize) };
        for (int i = 0; i < nodes.Count; i++)
        {
            order.Add((nodes[i].Output, i, last[nodes[i].Output], graph.ShapeOf(nodes[i].Output).SampleSize));
        }
        for (int step = -1; step <= nodes.Count; step++)
        {
            long live = order.Where(v => v.First <= step && step <= v.Last).Sum(v => (long)v.Size);
            PeakLiveElements = Math.Max(PeakLiveElements, live);
        }
        // Largest first; ties in execution order, so the plan is deterministic.
        foreach ((string name, int first, int lastStep, int size) in order.OrderByDescending(v => v.Size).ThenBy(v => v.First))
        {
            long offset = 0;
            foreach (var placed in _values.Values.Where(p => p.First <= lastStep && first <= p.Last).OrderBy(p => p.Offset))
            {
                if (offset + size <= placed.Offset)
                {
                    break;
                }
                offset = Math.Max(offset, (long)placed.Offset + placed.Size);
            }
            if (offset + size > int.MaxValue)
            {
                throw new GraphException($"The activations of model '{graph.Name}' need more than {int.MaxValue} values per sample.");
            }
            _values[name] = (first, lastStep, size, (int)offset);
            ArenaElements = Math.Max(ArenaElements, offset + size);
        }
    }

    /// <summary>The most values live at the same time (a lower bound for any buffer plan).</summary>
    public long PeakLiveElements { get; }

    /// <summary>Size of the arena this plan places every value in, in values (multiply by the element size for bytes).</summary>
    public long ArenaElements { get; }

    /// <summary>Where the value's buffer starts in the arena, in values.</summary>
    public int Offset(string value) => Get(value).Offset;

    /// <summary>Number of values per sample of the value.</summary>
    public int Size(string value) => Get(value).Size;

    /// <summary>The index of the last node that reads the value; the node count for a graph output, -1 for an unread graph input.</summary>
    public int LastUse(string value) => Get(value).Last;

    private (int First, int Last, int Size, int Offset) Get(string value) =>
        _values.TryGetValue(value, out var v) ? v : throw new GraphException($"The graph has no value named '{value}'.");
}
