using Microsoft.ML;
using Microsoft.ML.Data;
using UnIT.ML.Pruning;

namespace UnIT.ML.MLNet;

/// <summary>
/// A fitted UnIT transformer: adds the pruned model's first output as a known-size vector of Single
/// (and, when asked, per-row MAC counts) to every row. Lazy: nothing is computed until a cursor or a
/// prediction engine reads a row; <see cref="Transform"/>'s cursors score blocks of rows at once. Thread-safe: the pruned model is immutable and the
/// statistics are added under a lock, so parallel cursors and one prediction engine per thread are fine.
/// Saves and loads with <c>mlContext.Model.Save/Load</c>; the loaded model is a chain of ML.NET's own
/// transformers, from which <see cref="FromLoadedModel"/> recovers this typed view.
/// Holds no unmanaged resources; nothing to dispose.
/// </summary>
public sealed class UnitPruningTransformer : ITransformer, ICanSaveModel
{
    private readonly ITransformer _chain;

    /// <summary>Wraps the built-in chain that scores with <paramref name="scorer"/> and saves its state.</summary>
    internal UnitPruningTransformer(UnitScorer scorer, ITransformer chain)
    {
        Scorer = scorer;
        _chain = chain;
    }

    internal UnitScorer Scorer { get; }

    /// <summary>The pruned model: graph, thresholds, profile, division approximator and engine.</summary>
    public PrunedModel Model => Scorer.Model;

    /// <summary>The thresholds in use (calibrated by Fit, or given), with how they were made.</summary>
    public ThresholdSet Thresholds => Scorer.Model.Thresholds;

    /// <summary>A copy of the settings this transformer was fitted with (after a load: with the thresholds filled in).</summary>
    public UnitPruningOptions Options => Scorer.Options.Clone();

    /// <summary>
    /// Cumulative per-layer statistics of every row scored since this model was fitted or loaded (or since
    /// <see cref="ResetStatistics"/>), over all cursors and threads. A fresh copy each call. Each load of a
    /// saved model counts only its own rows. The sorted-list counts that only the measured device tables price
    /// (<see cref="InferenceStatistics.CountsSortedLists"/>) are taken when <see cref="UnitPruningOptions.DenseWhereCheaper"/> is such
    /// a table; otherwise <see cref="Targets.CostModel"/> refuses to price these statistics with one.
    /// </summary>
    public InferenceStatistics Statistics => Scorer.Statistics();

    /// <inheritdoc/>
    public bool IsRowToRowMapper => true;

    /// <summary>Starts the cumulative <see cref="Statistics"/> afresh, e.g. before scoring a test set.</summary>
    public void ResetStatistics() => Scorer.ResetStatistics();

    /// <summary>The output schema: the input's columns plus the output (and statistics) columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the input column is missing or is not a known-size vector of Single of the model's input size, or another column is named like one of <see cref="UnitPruningOptions.ClassNames"/>.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        InputColumnCheck.Check(inputSchema, Scorer.Options.InputColumnName, Model.OriginalGraph);
        Scorer.Options.CheckClassNamesAgainst(inputSchema);
        return _chain.GetOutputSchema(inputSchema);
    }

    /// <summary>
    /// Adds the output columns lazily; the returned view scores rows as cursors read them, in blocks of rows
    /// (each block one batch across all cores), with each row's values and counts those of scoring it alone.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">As for <see cref="GetOutputSchema"/>.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        InputColumnCheck.Check(input.Schema, Scorer.Options.InputColumnName, Model.OriginalGraph);
        Scorer.Options.CheckClassNamesAgainst(input.Schema);
        return BuiltInCarrier.TransformInBlocks(_chain, Scorer, input) ?? _chain.Transform(input);
    }

    /// <summary>The row-to-row mapper that prediction engines use.</summary>
    /// <exception cref="ArgumentOutOfRangeException">As for <see cref="GetOutputSchema"/>.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        InputColumnCheck.Check(inputSchema, Scorer.Options.InputColumnName, Model.OriginalGraph);
        Scorer.Options.CheckClassNamesAgainst(inputSchema);
        return _chain.GetRowToRowMapper(inputSchema);
    }

    /// <summary>Saving hands over to the built-in chain, which stores the model state (see <see cref="BuiltInCarrier"/>).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)_chain).Save(ctx);

    /// <summary>
    /// The typed view of the first UnIT transformer in <paramref name="model"/>: a model returned by
    /// <c>mlContext.Model.Load</c> (a chain of built-in transformers) or a fitted pipeline. The view
    /// scores exactly as that part of the model does and shares its statistics (those of this loaded copy
    /// only). Calling this right after loading also checks the saved state early.
    /// </summary>
    /// <exception cref="InvalidOperationException">When the model holds no UnIT transformer.</exception>
    /// <exception cref="FormatException">When the saved UnIT state has an unsupported format version (the message names it) or is damaged (the message says so).</exception>
    public static UnitPruningTransformer FromLoadedModel(ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        (ITransformer segment, UnitScorer scorer) = BuiltInCarrier.Find(model)
            ?? throw new InvalidOperationException($"The model ({model.GetType().Name}) holds no UnIT pruning transformer.");
        return segment as UnitPruningTransformer ?? new UnitPruningTransformer(scorer, segment);
    }
}
