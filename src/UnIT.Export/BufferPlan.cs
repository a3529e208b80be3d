namespace UnIT.Export;

/// <summary>
/// Static arena offsets for the graph's values, by liveness: a value occupies its buffer from the step that writes it
/// to the last step that reads it (graph outputs to the end), and a freed range is reused first-fit. A step may
/// alias its output onto its input (a reshape that moves no data), which then stays alive as long as either does.
/// </summary>
internal sealed class BufferPlan
{
    private readonly Dictionary<string, int> _offsets = new(StringComparer.Ordinal);

    private BufferPlan(int size) => Size = size;

    /// <summary>Elements of the arena.</summary>
    public int Size { get; private set; }

    /// <summary>Arena offset (in elements) of a value.</summary>
    public int OffsetOf(string value) => _offsets[value];

    /// <summary>One step of the walk: the values it reads, the value it writes, its size, whether it aliases its first input.</summary>
    public sealed record Step(IReadOnlyList<string> Inputs, string Output, int Elements, bool AliasesInput);

    /// <summary>Plans the arena for a graph input of <paramref name="inputElements"/> and the steps in order.</summary>
    public static BufferPlan Create(string input, int inputElements, IReadOnlyList<Step> steps, IEnumerable<string> outputs)
    {
        // Values that share one buffer (aliases) are one "block", keyed by the value that allocated it.
        var block = new Dictionary<string, string>(StringComparer.Ordinal) { [input] = input };
        var elements = new Dictionary<string, int>(StringComparer.Ordinal) { [input] = inputElements };
        var lastUse = new Dictionary<string, int>(StringComparer.Ordinal) { [input] = -1 };
        for (int i = 0; i < steps.Count; i++)
        {
            Step s = steps[i];
            foreach (string v in s.Inputs)
            {
                lastUse[block[v]] = i;
            }
            if (s.AliasesInput)
            {
                block[s.Output] = block[s.Inputs[0]];
            }
            else
            {
                block[s.Output] = s.Output;
                elements[s.Output] = s.Elements;
                lastUse[s.Output] = i;
            }
        }
        foreach (string o in outputs)
        {
            lastUse[block[o]] = steps.Count;
        }

        var plan = new BufferPlan(0);
        var live = new List<(string Block, int Start, int End)>();
        void Allocate(string b)
        {
            int size = elements[b], start = 0;
            foreach ((_, int s, int e) in live.OrderBy(l => l.Start))
            {
                if (s - start >= size)
                {
                    break;
                }
                start = Math.Max(start, e);
            }
            live.Add((b, start, start + size));
            plan._offsets[b] = start;
            plan.Size = Math.Max(plan.Size, start + size);
        }
        Allocate(input);
        for (int i = 0; i < steps.Count; i++)
        {
            Step s = steps[i];
            if (!s.AliasesInput)
            {
                // The output is written while the inputs are read: free only after allocating it.
                Allocate(s.Output);
            }
            live.RemoveAll(l => lastUse[l.Block] <= i);
        }
        foreach ((string value, string b) in block)
        {
            plan._offsets[value] = plan._offsets[b];
        }
        return plan;
    }
}
