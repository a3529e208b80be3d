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
    private readonly object _gate = new();
    private InferenceStatistics _totals = new();

    public UnitScorer(PrunedModel model, UnitPruningOptions options)
    {
        Model = model;
        Options = options.Clone();
        Output = model.Graph.Outputs[0];
        OutputSize = Output.Shape.SampleSize;
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
