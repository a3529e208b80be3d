using System.Collections.Concurrent;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.ML.MLNet;

/// <summary>
/// The run-time half of a fitted UnIT transformer: the immutable pruned model, its settings, and the
/// cumulative per-layer statistics of every row scored. Thread-safe: rows are scored concurrently and
/// their counts are added under a lock. Live scorers are also findable by their state id, so a model
/// loaded with <c>mlContext.Model.Load</c> and the typed view recovered from it share one scorer.
/// </summary>
internal sealed class UnitScorer
{
    // Weak: a scorer lives as long as a transformer or a loaded mapping holds it, not as long as the process.
    private static readonly ConcurrentDictionary<Guid, WeakReference<UnitScorer>> Live = new();

    private static readonly object CreationGate = new();

    private readonly object _gate = new();
    private InferenceStatistics _totals = new();

    private UnitScorer(Guid id, PrunedModel model, UnitPruningOptions options)
    {
        Id = id;
        Model = model;
        Options = options.Clone();
        Output = model.Graph.Outputs[0];
        OutputSize = Output.Shape.SampleSize;
    }

    /// <summary>Identifies the fitted model; saved with it, so every load of one save has the same id.</summary>
    public Guid Id { get; }

    public PrunedModel Model { get; }

    public UnitPruningOptions Options { get; }

    /// <summary>The graph output this scorer returns (the first).</summary>
    public ValueInfo Output { get; }

    /// <summary>Elements of one sample of <see cref="Output"/>.</summary>
    public int OutputSize { get; }

    /// <summary>Elements of one input sample.</summary>
    public int InputSize => Model.Graph.InputSampleSize;

    /// <summary>The live scorer with this id, if any.</summary>
    public static UnitScorer? Find(Guid id) =>
        Live.TryGetValue(id, out WeakReference<UnitScorer>? w) && w.TryGetTarget(out UnitScorer? s) ? s : null;

    /// <summary>A new scorer with a fresh id, findable from now on.</summary>
    public static UnitScorer Create(PrunedModel model, UnitPruningOptions options) =>
        FindOrCreate(Guid.NewGuid(), () => (model, options));

    /// <summary>The live scorer with this id, or a new one over what <paramref name="build"/> makes (called once, even when threads race).</summary>
    public static UnitScorer FindOrCreate(Guid id, Func<(PrunedModel Model, UnitPruningOptions Options)> build)
    {
        if (Find(id) is { } found)
        {
            return found;
        }
        lock (CreationGate)
        {
            if (Find(id) is { } raced)
            {
                return raced;
            }
            (PrunedModel model, UnitPruningOptions options) = build();
            var created = new UnitScorer(id, model, options);
            Live[id] = new WeakReference<UnitScorer>(created);
            return created;
        }
    }

    /// <summary>Scores one sample: the first output's values and the sample's MAC counts.</summary>
    public float[] Score(ReadOnlySpan<float> input, out long executed, out long skipped)
    {
        if (input.Length != InputSize)
        {
            throw new InvalidOperationException(
                $"A row of column '{Options.InputColumnName}' has {input.Length} values; model '{Model.Graph.Name}' expects {InputSize} per sample (input {Model.Graph.Input.Shape}).");
        }
        var tensor = new Tensor(Model.Graph.Input.Shape.WithBatch(1), input.ToArray());
        var stats = new InferenceStatistics();
        float[] output = Model.Engine.Run(tensor, stats).Data;
        executed = stats.Executed;
        skipped = stats.SkippedZero + stats.SkippedThreshold;
        lock (_gate)
        {
            _totals.Add(stats);
        }
        return output;
    }

    /// <summary>A copy of the cumulative statistics.</summary>
    public InferenceStatistics Statistics()
    {
        var copy = new InferenceStatistics();
        lock (_gate)
        {
            copy.Add(_totals);
        }
        return copy;
    }

    /// <summary>Starts the cumulative statistics afresh.</summary>
    public void ResetStatistics()
    {
        lock (_gate)
        {
            _totals = new InferenceStatistics();
        }
    }
}
