namespace UnIT.ML.Pruning;

/// <summary>Per-layer operation counts of one or more inference runs, in layer order. Not thread-safe: one per run or per thread, then <see cref="Add"/>.</summary>
public sealed class InferenceStatistics
{
    private readonly List<LayerStatistics> _layers = new();

    /// <summary>
    /// Whether convolutions that the exported C runs by sorted lists also count their lists' work
    /// (<see cref="LayerStatistics.ListScans"/> and the counts after it; about 9 us per sample on fashion_mnist_cnn, more
    /// than the pruned inference itself). Only tables with <see cref="Targets.CostTable.SortedLists"/> (the measured
    /// msp430 and Cortex-M4 tables) price them; without them such layers count their samples in
    /// <see cref="LayerStatistics.ListsUncounted"/>, and <see cref="Targets.CostModel"/> refuses to price them with such a table.
    /// </summary>
    public bool CountsSortedLists { get; init; } = true;

    /// <summary>Per-layer tallies, in execution order.</summary>
    public IReadOnlyList<LayerStatistics> Layers => _layers;

    /// <summary>Samples covered (those of the first layer).</summary>
    public long Samples => _layers.Count == 0 ? 0 : _layers[0].Samples;

    /// <summary>All MACs of all layers.</summary>
    public long Total => _layers.Sum(l => l.Total);

    /// <summary>MACs skipped for a zero operand.</summary>
    public long SkippedZero => _layers.Sum(l => l.SkippedZero);

    /// <summary>MACs skipped by threshold.</summary>
    public long SkippedThreshold => _layers.Sum(l => l.SkippedThreshold);

    /// <summary>MACs skipped by threshold that added a skip-compensation constant instead (an add, no multiply).</summary>
    public long Compensations => _layers.Sum(l => l.Compensations);

    /// <summary>MACs executed.</summary>
    public long Executed => _layers.Sum(l => l.Executed);

    /// <summary>Fraction of all MACs skipped (zero + threshold); 0 when nothing ran.</summary>
    public double SkippedFraction => Total == 0 ? 0 : (double)(SkippedZero + SkippedThreshold) / Total;

    /// <summary>The tally of the named layer, created empty on first use.</summary>
    public LayerStatistics For(string layer)
    {
        foreach (LayerStatistics l in _layers)
        {
            if (l.Layer == layer)
            {
                return l;
            }
        }
        var created = new LayerStatistics(layer) { CountsSortedLists = CountsSortedLists };
        _layers.Add(created);
        return created;
    }

    /// <summary>Adds another run's tallies, layer by layer.</summary>
    public void Add(InferenceStatistics other)
    {
        foreach (LayerStatistics l in other._layers)
        {
            For(l.Layer).Add(l);
        }
    }
}
