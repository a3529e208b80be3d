namespace UnIT.ML.Graph;

/// <summary>
/// The activation memory one sample needs, planned from the values' lifetimes: a value lives from the
/// step that writes it (the graph input before step 0) to the last step that reads it (graph outputs to
/// the end), and values whose lifetimes do not overlap may share memory. A node that moves no data (a
/// reshape on a device) may share its input's buffer: the two are then one buffer, live as long as either; an
/// elementwise node may write over its input where nothing reads that buffer later (<see cref="BufferSharing"/>).
/// Buffers are placed in one arena, each at the lowest offset free for its whole lifetime, in two orders
/// (largest first, and execution order); the smaller arena is kept. On a microcontroller the arena is the
/// static RAM the activations take; the engine and <c>inspect</c> use the plan without sharing, export-c with it.
/// </summary>
public sealed class ActivationPlan
{
    private readonly Dictionary<string, (int First, int Last, int Size, int Offset)> _values = new(StringComparer.Ordinal);

    /// <summary>Plans the buffers of <paramref name="graph"/>'s values, per sample, every value in its own buffer.</summary>
    public ActivationPlan(ModelGraph graph)
        : this(graph, null)
    {
    }

    /// <summary>
    /// Plans the buffers of <paramref name="graph"/>'s values, per sample; <paramref name="sharing"/> says which nodes may
    /// write their output into their first input's buffer, and how (null: none does).
    /// </summary>
    /// <exception cref="GraphException">When an aliased buffer would be too small for the node's output, or the arena too large.</exception>
    public ActivationPlan(ModelGraph graph, Func<Node, BufferSharing>? sharing)
    {
        ArgumentNullException.ThrowIfNull(graph);
        IReadOnlyList<Node> nodes = graph.Nodes;
        Dictionary<string, int> last = graph.LastUses();

        // A buffer is keyed by the value that allocates it; a sharing node's output joins its input's buffer.
        var owner = new Dictionary<string, string>(StringComparer.Ordinal) { [graph.Input.Name] = graph.Input.Name };
        var buffers = new Dictionary<string, Buffer>(StringComparer.Ordinal)
        {
            [graph.Input.Name] = new Buffer(graph.Input.Name, -1, last[graph.Input.Name], graph.Input.Shape.SampleSize),
        };
        var values = new List<(string Name, int First, int Size)> { (graph.Input.Name, -1, graph.Input.Shape.SampleSize) };
        for (int i = 0; i < nodes.Count; i++)
        {
            Node node = nodes[i];
            int size = graph.ShapeOf(node.Output).SampleSize;
            values.Add((node.Output, i, size));
            BufferSharing share = sharing?.Invoke(node) ?? BufferSharing.None;
            Buffer? shared = share == BufferSharing.None ? null : buffers[owner[node.Input]];
            if (shared is not null && (share == BufferSharing.Alias || (shared.Last == i && size <= shared.Size)))
            {
                if (size > shared.Size)
                {
                    throw new GraphException($"Node '{node.Name}' ({node.OpName}) writes {size} values into its input's buffer of {shared.Size}.");
                }
                owner[node.Output] = shared.Key;
                shared.Last = Math.Max(shared.Last, last[node.Output]);
            }
            else
            {
                owner[node.Output] = node.Output;
                buffers[node.Output] = new Buffer(node.Output, i, last[node.Output], size);
            }
        }

        for (int step = -1; step <= nodes.Count; step++)
        {
            long live = buffers.Values.Where(b => b.First <= step && step <= b.Last).Sum(b => (long)b.Size);
            PeakLiveElements = Math.Max(PeakLiveElements, live);
        }
        // Ties in execution order, so the plan is deterministic; largest first wins ties between the two orders.
        (Dictionary<string, long> offsets, long arena) = Place(buffers.Values.OrderByDescending(b => b.Size).ThenBy(b => b.First));
        (Dictionary<string, long> inOrder, long inOrderArena) = Place(buffers.Values.OrderBy(b => b.First));
        if (inOrderArena < arena)
        {
            (offsets, arena) = (inOrder, inOrderArena);
        }
        if (arena > int.MaxValue)
        {
            throw new GraphException($"The activations of model '{graph.Name}' need more than {int.MaxValue} values per sample.");
        }
        ArenaElements = arena;
        foreach ((string name, int first, int size) in values)
        {
            _values[name] = (first, last[name], size, (int)offsets[owner[name]]);
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

    /// <summary>Places each buffer, in the given order, at the lowest offset free for its whole lifetime.</summary>
    private static (Dictionary<string, long> Offsets, long Arena) Place(IEnumerable<Buffer> order)
    {
        var placed = new List<(Buffer Buffer, long Offset)>();
        long arena = 0;
        foreach (Buffer b in order)
        {
            long offset = 0;
            foreach ((Buffer other, long at) in placed.Where(p => p.Buffer.First <= b.Last && b.First <= p.Buffer.Last).OrderBy(p => p.Offset))
            {
                if (offset + b.Size <= at)
                {
                    break;
                }
                offset = Math.Max(offset, at + other.Size);
            }
            placed.Add((b, offset));
            arena = Math.Max(arena, offset + b.Size);
        }
        return (placed.ToDictionary(p => p.Buffer.Key, p => p.Offset, StringComparer.Ordinal), arena);
    }

    /// <summary>One buffer: the value that allocates it, its lifetime over the steps (widened by the values that share it) and size.</summary>
    private sealed class Buffer(string key, int first, int last, int size)
    {
        public string Key { get; } = key;

        public int First { get; } = first;

        public int Last { get; set; } = last;

        public int Size { get; } = size;
    }
}
