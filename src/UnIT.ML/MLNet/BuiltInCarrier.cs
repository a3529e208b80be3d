using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace UnIT.ML.MLNet;

/// <summary>
/// How a fitted UnIT transformer saves and loads through <c>mlContext.Model.Save/Load</c> with public
/// API only (shared/docs/mlnet-extensibility.md). ML.NET's own save hooks (ModelSaveContext writers,
/// LoadableClass) are internal, so the fitted transformer runs as, and saves as, a chain of built-in
/// transformers that ML.NET already knows how to save:
/// <list type="number">
/// <item>CustomMapping <see cref="StateKeyContract"/>: a constant key column (reads nothing).</item>
/// <item>MapValue: key to the <see cref="UnitModelState"/> bytes. This table is what stores graph,
/// thresholds and options in the zip.</item>
/// <item>CopyColumns: the user's input column to the fixed name the mapping reads.</item>
/// <item>CustomMapping <see cref="PruneContract"/>: reads input and state, scores with UnIT. On load
/// ML.NET makes the factory with its parameterless constructor, so the model is rebuilt from the
/// state column on the first row and then found by its id.</item>
/// <item>SelectFeaturesBasedOnCount, fitted on a template row: CustomMapping output types are fixed at
/// compile time, so scores leave step 4 as a sparse vector of <see cref="MaxOutputSize"/> slots; this
/// step keeps the first n so the output is a known-size vector, as ML.NET's evaluators need.</item>
/// <item>CopyColumns of the statistics columns (when asked), then DropColumns of the helper columns.</item>
/// </list>
/// The contract names and column names below are stored in saved models: never change them.
/// </summary>
internal static class BuiltInCarrier
{
    /// <summary>Largest model output per sample the carrier can pass on.</summary>
    public const int MaxOutputSize = 1 << 20;

    public const string StateKeyContract = "UnIT.ML.StateKey.v1";
    public const string PruneContract = "UnIT.ML.Prune.v1";

    private const string Prefix = "__UnIT.";
    private const string StateKeyColumn = Prefix + "StateKey";
    private const string StateColumn = Prefix + "State";
    private const string InputColumn = Prefix + "Input";
    private const string RawColumn = Prefix + "Raw";
    private const string ExecutedColumn = Prefix + "MacsExecuted";
    private const string SkippedColumn = Prefix + "MacsSkipped";
    private const int StateKey = 1;

    /// <summary>The unfitted chain, for schema propagation before Fit (the state is a placeholder).</summary>
    public static IEstimator<ITransformer> Estimator(TransformsCatalog catalog, UnitPruningOptions options)
    {
        (IEstimator<ITransformer> head, IEstimator<ITransformer> select, IEstimator<ITransformer> tail) =
            Steps(catalog, options, state: [0], new PruneFactory());
        return head.Append(select).Append(tail);
    }

    /// <summary>The fitted chain that scores with <paramref name="scorer"/> and saves its state; reads no rows of <paramref name="input"/>.</summary>
    public static TransformerChain<ITransformer> Build(TransformsCatalog catalog, UnitScorer scorer, IDataView input, byte[] state)
    {
        if (scorer.OutputSize > MaxOutputSize)
        {
            throw new NotSupportedException(
                $"Output '{scorer.Output.Name}' of model '{scorer.Model.Graph.Name}' has {scorer.OutputSize} values per sample; the ML.NET transformer passes on at most {MaxOutputSize}.");
        }
        (IEstimator<ITransformer> head, IEstimator<ITransformer> select, IEstimator<ITransformer> tail) =
            Steps(catalog, scorer.Options, state, new PruneFactory(scorer));
        ITransformer headFit = head.Fit(input);
        // Every slot set in the template is kept: exactly the first OutputSize.
        var template = new MLContext().Data.LoadFromEnumerable([new PruneOutput { Raw = FirstSlots(Enumerable.Repeat(1f, scorer.OutputSize).ToArray()) }]);
        ITransformer selectFit = select.Fit(template);
        ITransformer tailFit = tail.Fit(selectFit.Transform(headFit.Transform(input)));
        return new TransformerChain<ITransformer>([.. Flatten(headFit), selectFit, .. Flatten(tailFit)]);
    }

    /// <summary>
    /// Finds the first UnIT segment in a (possibly loaded) model: the sub-chain that does the pruning and
    /// the scorer behind it, read from the segment's state. Null when the model has none.
    /// </summary>
    /// <exception cref="FormatException">When the saved state has another format version or is damaged.</exception>
    public static (ITransformer Segment, UnitScorer Scorer)? Find(ITransformer model)
    {
        if (model is UnitPruningTransformer unit)
        {
            return (unit, unit.Scorer);
        }
        if (model is not IEnumerable<ITransformer> chain)
        {
            return null;
        }
        List<ITransformer> parts = chain.ToList();
        for (int i = 0; i < parts.Count; i++)
        {
            if (parts[i] is CustomMappingTransformer<StateKeyInput, StateKeyOutput> && i + 1 < parts.Count)
            {
                UnitScorer scorer = UnitModelState.Read(ReadState(parts[i], parts[i + 1]));
                int length = SegmentLength(scorer.Options);
                ITransformer segment = i == 0 && parts.Count == length
                    ? model
                    : new TransformerChain<ITransformer>(parts.Skip(i).Take(length).ToArray());
                return (segment, scorer);
            }
            if (Find(parts[i]) is { } nested)
            {
                return nested;
            }
        }
        return null;
    }

    private static (IEstimator<ITransformer> Head, IEstimator<ITransformer> Select, IEstimator<ITransformer> Tail) Steps(
        TransformsCatalog catalog, UnitPruningOptions options, byte[] state, PruneFactory factory)
    {
        IEstimator<ITransformer> head = catalog.CustomMapping(new StateKeyFactory().GetMapping(), StateKeyContract)
            .Append(catalog.Conversion.MapValue(StateColumn, [new KeyValuePair<int, byte[]>(StateKey, state)], StateKeyColumn))
            .Append(catalog.CopyColumns(InputColumn, options.InputColumnName))
            .Append(catalog.CustomMapping(factory.GetMapping(), PruneContract));
        IEstimator<ITransformer> select = catalog.FeatureSelection.SelectFeaturesBasedOnCount(options.OutputColumnName, RawColumn, count: 1);
        IEstimator<ITransformer> drop = catalog.DropColumns(StateKeyColumn, StateColumn, InputColumn, RawColumn, ExecutedColumn, SkippedColumn);
        IEstimator<ITransformer> tail = options.EmitStatistics
            ? catalog.CopyColumns(options.MacsExecutedColumnName, ExecutedColumn)
                .Append(catalog.CopyColumns(options.MacsSkippedColumnName, SkippedColumn)).Append(drop)
            : drop;
        return (head, select, tail);
    }

    /// <summary>Transformers in a fitted segment; keep in step with <see cref="Steps"/>.</summary>
    private static int SegmentLength(UnitPruningOptions options) => 4 + 1 + (options.EmitStatistics ? 3 : 1);

    private static IEnumerable<ITransformer> Flatten(ITransformer t) => t is IEnumerable<ITransformer> chain ? chain : [t];

    private static byte[] ReadState(ITransformer keyMapping, ITransformer stateMapping)
    {
        // One row with a column to spare: ML.NET's cursor splitting fails on a view without columns.
        IDataView oneRow = new MLContext().Data.LoadFromEnumerable([new PruneOutput()]);
        IDataView withState = stateMapping.Transform(keyMapping.Transform(oneRow));
        DataViewSchema.Column column = withState.Schema[StateColumn];
        using DataViewRowCursor cursor = withState.GetRowCursor([column]);
        ValueGetter<VBuffer<byte>> getter = cursor.GetGetter<VBuffer<byte>>(column);
        VBuffer<byte> state = default;
        if (!cursor.MoveNext())
        {
            throw new InvalidOperationException("The UnIT state mapping produced no row.");
        }
        getter(ref state);
        return state.DenseValues().ToArray();
    }

    private static VBuffer<float> FirstSlots(float[] values) =>
        new(MaxOutputSize, values.Length, values, Enumerable.Range(0, values.Length).ToArray());

    /// <summary>No input columns: the key mapping reads nothing.</summary>
    internal sealed class StateKeyInput
    {
    }

    internal sealed class StateKeyOutput
    {
        [ColumnName(StateKeyColumn)]
        public int Key { get; set; }
    }

    [CustomMappingFactoryAttribute(StateKeyContract)]
    internal sealed class StateKeyFactory : CustomMappingFactory<StateKeyInput, StateKeyOutput>
    {
        public override Action<StateKeyInput, StateKeyOutput> GetMapping() => (_, output) => output.Key = StateKey;
    }

    internal sealed class PruneInput
    {
        [ColumnName(InputColumn)]
        public float[] Input { get; set; } = [];

        [ColumnName(StateColumn)]
        public byte[] State { get; set; } = [];
    }

    internal sealed class PruneOutput
    {
        [ColumnName(RawColumn)]
        [VectorType(MaxOutputSize)]
        public VBuffer<float> Raw { get; set; }

        [ColumnName(ExecutedColumn)]
        public long MacsExecuted { get; set; }

        [ColumnName(SkippedColumn)]
        public long MacsSkipped { get; set; }
    }

    [CustomMappingFactoryAttribute(PruneContract)]
    internal sealed class PruneFactory : CustomMappingFactory<PruneInput, PruneOutput>
    {
        // Scorers this mapping has used, held strongly so they live as long as the (loaded) model does.
        private readonly ConcurrentDictionary<Guid, UnitScorer> _held = new();

        /// <summary>Used by ML.NET on load: the scorer comes from the state column.</summary>
        public PruneFactory()
        {
        }

        /// <summary>Used on Fit: the scorer is already built.</summary>
        public PruneFactory(UnitScorer scorer) => _held[scorer.Id] = scorer;

        public override Action<PruneInput, PruneOutput> GetMapping() => Map;

        private void Map(PruneInput input, PruneOutput output)
        {
            Guid id = UnitModelState.ReadId(input.State);
            if (!_held.TryGetValue(id, out UnitScorer? scorer))
            {
                scorer = _held.GetOrAdd(id, UnitModelState.Read(input.State));
            }
            output.Raw = FirstSlots(scorer.Score(input.Input, out long executed, out long skipped));
            output.MacsExecuted = executed;
            output.MacsSkipped = skipped;
        }
    }
}
