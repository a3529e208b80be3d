using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.ML.MLNet;

/// <summary>
/// The run-time half of a fitted or loaded UnIT transformer: the immutable pruned model, its settings,
/// and the cumulative per-layer statistics of every row it scored. Thread-safe: rows are scored
/// concurrently and their counts are added under a lock. Each fit and each load makes its own scorer
/// (nothing process-wide keeps or shares them), so every loaded copy of a model counts only its own rows.
/// </summary>
internal sealed class UnitScorer
{
    // One input buffer per thread: the engine copies the row into its own workspace, so the buffer is free again
    // when Run returns, and rows scored on ML.NET's cursor threads need no per-row copy of their own.
    [ThreadStatic]
    private static float[]? t_input;

    private readonly object _gate = new();
    private readonly Shape _rowShape;
    private readonly bool _countsSortedLists;
    private InferenceStatistics _totals = new();

    public UnitScorer(PrunedModel model, UnitPruningOptions options)
    {
        Model = model;
        Options = options.Clone();
        Output = model.Graph.Outputs[0];
        OutputSize = Output.Shape.SampleSize;
        _rowShape = model.Graph.Input.Shape.WithBatch(1);
        // The sorted-list counts cost more than the row's inference; only a table that prices them needs them.
        _countsSortedLists = model.Profile.Costs.SortedLists is not null || options.DenseWhereCheaper?.SortedLists is not null;
    }

    public PrunedModel Model { get; }

    public UnitPruningOptions Options { get; }

    /// <summary>The graph output this scorer returns (the first).</summary>
    public ValueInfo Output { get; }

    /// <summary>Elements of one sample of <see cref="Output"/>.</summary>
    public int OutputSize { get; }

    /// <summary>Elements of one input sample.</summary>
    public int InputSize => Model.Graph.InputSampleSize;

    /// <summary>Scores one sample: the first output's values and the sample's MAC counts.</summary>
    public float[] Score(ReadOnlySpan<float> input, out long executed, out long skipped)
    {
        if (input.Length != InputSize)
        {
            throw new InvalidOperationException(WrongRowSize(input.Length));
        }
        float[] buffer = t_input?.Length == input.Length ? t_input : t_input = new float[input.Length];
        input.CopyTo(buffer);
        var tensor = new Tensor(_rowShape, buffer);
        var stats = new InferenceStatistics { CountsSortedLists = _countsSortedLists };
        float[] output = Model.Engine.Run(tensor, stats).Data;
        executed = stats.Executed;
        skipped = stats.SkippedZero + stats.SkippedThreshold;
        lock (_gate)
        {
            _totals.Add(stats);
        }
        return output;
    }

    /// <summary>
    /// Scores <paramref name="rows"/> samples laid out one after another in <paramref name="inputs"/> as one batch
    /// (the engine splits it across cores): their outputs, one row after another, and each row's MAC counts, which
    /// equal <see cref="Score"/>'s for that row. The counts are added to the cumulative statistics once per batch.
    /// </summary>
    public float[] ScoreBatch(float[] inputs, int rows, Span<long> executed, Span<long> skipped)
    {
        var tensor = new Tensor(Model.Graph.Input.Shape.WithBatch(rows), inputs.Length == rows * InputSize ? inputs : inputs[..(rows * InputSize)]);
        var perRow = new InferenceStatistics[rows];
        for (int i = 0; i < rows; i++)
        {
            perRow[i] = new InferenceStatistics { CountsSortedLists = _countsSortedLists };
        }
        float[] output = Model.Engine.RunPerSample(tensor, perRow).Data;
        var batch = new InferenceStatistics();
        for (int i = 0; i < rows; i++)
        {
            InferenceStatistics s = perRow[i];
            executed[i] = s.Executed;
            skipped[i] = s.SkippedZero + s.SkippedThreshold;
            batch.Add(s);
        }
        lock (_gate)
        {
            _totals.Add(batch);
        }
        return output;
    }

    /// <summary>The message for a row whose input has <paramref name="length"/> values instead of <see cref="InputSize"/>.</summary>
    public string WrongRowSize(int length) =>
        $"A row of column '{Options.InputColumnName}' has {length} values; model '{Model.Graph.Name}' expects {InputSize} per sample (input {Model.Graph.Input.Shape}).";

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
