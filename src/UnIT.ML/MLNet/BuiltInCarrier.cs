using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using UnIT.ML.Evaluation;

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
/// <item>ApproximatedKernelMap of rank 1, fitted on a template of the model's input size, into a column
/// that nobody reads: a built-in whose schema check names the column with the expected and the actual
/// vector size. It makes a loaded model refuse input of the wrong type or size when Transform
/// binds the schema, before any row is read. Its output is dropped unread, so it costs nothing per row.
/// (State version 1 chains lack this step.)</item>
/// <item>CopyColumns: the user's input column to the fixed name the mapping reads.</item>
/// <item>CustomMapping <see cref="PruneContract"/>: reads input and state, scores with UnIT. On load
/// ML.NET makes a factory with its parameterless constructor for each loaded model, so each load
/// rebuilds its own scorer from the state column on the first row.</item>
/// <item>SelectFeaturesBasedOnCount, fitted on a template row: CustomMapping output types are fixed at
/// compile time, so scores leave step 5 as a sparse vector of <see cref="MaxOutputSize"/> slots; this
/// step keeps the first n so the output is a known-size vector, as ML.NET's evaluators need.</item>
/// <item>When a PredictedLabel column is asked for: CustomMapping <see cref="ArgMaxContract"/> (the class
/// index of the first largest score), then MapValue from class index to class name (or index) with
/// treatValuesAsKeyType, which makes the key column with key values that ML.NET's trainers make.
/// (State version 1 and 2 chains lack these steps.)</item>
/// <item>When class names are given, before step 7: Score slot names. ML.NET's Concatenate names the slots it
/// takes from scalar columns after those columns, so for each class i: MapValue of the state key to the
/// constant i, CustomMapping <see cref="PickSlotContract"/> (score i as a scalar), CopyColumns of it into a
/// column named like the class; then Concatenate of those columns into the output column (step 6 then
/// writes a helper column instead). Concatenate saves
/// its input names, so the slot names survive save and load. (Chains saved before this step lack it.)</item>
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
    public const string ArgMaxContract = "UnIT.ML.ArgMax.v1";
    public const string PickSlotContract = "UnIT.ML.PickSlot.v1";

    /// <summary>The name prefix of the chain's helper columns.</summary>
    public const string Prefix = "__UnIT.";
    private const string StateKeyColumn = Prefix + "StateKey";
    private const string StateColumn = Prefix + "State";
    private const string CheckColumn = Prefix + "InputCheck";
    private const string InputColumn = Prefix + "Input";
    private const string RawColumn = Prefix + "Raw";
    private const string ExecutedColumn = Prefix + "MacsExecuted";
    private const string SkippedColumn = Prefix + "MacsSkipped";
    private const string ClassColumn = Prefix + "Class";
    private const string SlotIndexColumn = Prefix + "SlotIndex";
    private const string SlotColumn = Prefix + "Slot";
    private const string SelectedColumn = Prefix + "Selected";
    private const int StateKey = 1;

    /// <summary>The class index of a row that predicts no class (a NaN score): not mapped, so its key is missing (0).</summary>
    private const uint NoClass = uint.MaxValue;

    // Set only while FindScorer runs a loaded prune mapping on its probe row, on that thread: the mapping
    // then hands over its scorer instead of scoring. User rows never run with the flag set.
    [ThreadStatic]
    private static bool t_probing;

    [ThreadStatic]
    private static UnitScorer? t_probed;

    /// <summary>The unfitted chain, for schema propagation before Fit (the state is a placeholder).</summary>
    public static IEstimator<ITransformer> Estimator(TransformsCatalog catalog, UnitPruningOptions options, int outputSize)
    {
        Steps steps = MakeSteps(catalog, options, outputSize, state: [0], new PruneFactory());
        return steps.Prefix.Append(steps.Check).Append(steps.Body).Append(steps.Select).Append(steps.Tail);
    }

    /// <summary>The fitted chain that scores with <paramref name="scorer"/> and saves its state; reads no rows of <paramref name="input"/>.</summary>
    public static TransformerChain<ITransformer> Build(TransformsCatalog catalog, UnitScorer scorer, IDataView input, byte[] state)
    {
        if (scorer.OutputSize > MaxOutputSize)
        {
            throw new NotSupportedException(
                $"Output '{scorer.Output.Name}' of model '{scorer.Model.Graph.Name}' has {scorer.OutputSize} values per sample; the ML.NET transformer passes on at most {MaxOutputSize}.");
        }
        Steps steps = MakeSteps(catalog, scorer.Options, scorer.OutputSize, state, new PruneFactory(scorer));
        var ml = new MLContext(seed: 1);
        ITransformer prefixFit = steps.Prefix.Fit(input);
        ITransformer checkFit = steps.Check.Fit(InputTemplate(ml, scorer.Options.InputColumnName, scorer.InputSize));
        IDataView checkedInput = checkFit.Transform(prefixFit.Transform(input));
        ITransformer bodyFit = steps.Body.Fit(checkedInput);
        // Every slot set in the template is kept: exactly the first OutputSize.
        var template = ml.Data.LoadFromEnumerable([new PruneOutput { Raw = FirstSlots(Enumerable.Repeat(1f, scorer.OutputSize).ToArray()) }]);
        ITransformer selectFit = steps.Select.Fit(template);
        ITransformer tailFit = steps.Tail.Fit(selectFit.Transform(bodyFit.Transform(checkedInput)));
        return new TransformerChain<ITransformer>([.. Flatten(prefixFit), checkFit, .. Flatten(bodyFit), selectFit, .. Flatten(tailFit)]);
    }

    /// <summary>
    /// What <paramref name="chain"/> (the carrier chain of <paramref name="scorer"/>) makes of <paramref name="input"/>,
    /// with the prune mapping's rows scored in blocks by a <see cref="BatchScoringView"/> instead of one at a time:
    /// same schema, values and statistics. Null when the chain is not a flat carrier chain.
    /// </summary>
    public static IDataView? TransformInBlocks(ITransformer chain, UnitScorer scorer, IDataView input)
    {
        if (chain is not IEnumerable<ITransformer> parts)
        {
            return null;
        }
        List<ITransformer> list = parts.ToList();
        int prune = list.FindIndex(p => p is CustomMappingTransformer<PruneInput, PruneOutput>);
        if (prune < 0)
        {
            return null;
        }
        IDataView before = new TransformerChain<ITransformer>([.. list.Take(prune)]).Transform(input);
        var scored = new BatchScoringView(before, scorer, InputColumn, RawColumn, ExecutedColumn, SkippedColumn);
        return new TransformerChain<ITransformer>([.. list.Skip(prune + 1)]).Transform(scored);
    }

    /// <summary>
    /// Finds the first UnIT segment in a (possibly loaded) model: the sub-chain that does the pruning and
    /// the scorer that sub-chain scores with (for a loaded model: the one its mapping built from the state,
    /// so the two share statistics). Null when the model has none.
    /// </summary>
    /// <exception cref="FormatException">When the saved state has an unsupported format version or is damaged.</exception>
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
            if (parts[i] is CustomMappingTransformer<StateKeyInput, StateKeyOutput>)
            {
                return FindSegment(model, parts, i);
            }
            if (Find(parts[i]) is { } nested)
            {
                return nested;
            }
        }
        return null;
    }

    /// <summary>The segment that starts with the state key mapping at <paramref name="start"/>: up to the prune mapping, then up to the closing DropColumns.</summary>
    private static (ITransformer Segment, UnitScorer Scorer) FindSegment(ITransformer model, List<ITransformer> parts, int start)
    {
        int prune = parts.FindIndex(start, p => p is CustomMappingTransformer<PruneInput, PruneOutput>);
        int end = prune < 0 ? -1 : parts.FindIndex(prune, p => p is ColumnSelectingTransformer);
        if (start + 1 >= parts.Count || end < 0)
        {
            throw new FormatException("The saved model is damaged: its UnIT part is incomplete (a step of the built-in chain is missing).");
        }
        byte[] state = ReadState(parts[start], parts[start + 1]);
        UnitScorer scorer = FindScorer(parts[prune], state);
        ITransformer segment = start == 0 && end == parts.Count - 1
            ? model
            : new TransformerChain<ITransformer>(parts.Skip(start).Take(end - start + 1).ToArray());
        return (segment, scorer);
    }

    /// <summary>
    /// The scorer a loaded prune mapping scores with (built from <paramref name="state"/> if it has not
    /// scored yet): maps one probe row with a prediction engine, which runs the mapping on this thread,
    /// where the mapping hands its scorer over instead of scoring.
    /// </summary>
    private static UnitScorer FindScorer(ITransformer pruneMapping, byte[] state)
    {
        using PredictionEngine<PruneInput, PruneOutput> engine = new MLContext().Model.CreatePredictionEngine<PruneInput, PruneOutput>(pruneMapping);
        t_probing = true;
        t_probed = null;
        try
        {
            engine.Predict(new PruneInput { Input = [], State = state });
            return t_probed ?? throw new InvalidOperationException("The loaded UnIT mapping did not run on the calling thread; its scorer cannot be found.");
        }
        finally
        {
            t_probing = false;
            t_probed = null;
        }
    }

    /// <summary>
    /// Class index to key: class k is key k + 1, with the class names (or the indices as text) as key values.
    /// MapValue numbers string values 1..n in the order given; ML.NET stores key values as text in any case.
    /// </summary>
    private static IEstimator<ITransformer> PredictedLabel(TransformsCatalog catalog, UnitPruningOptions options, string column, int classes)
    {
        IEnumerable<string> names = options.ClassNames ?? Enumerable.Range(0, classes).Select(i => i.ToString(CultureInfo.InvariantCulture));
        return catalog.Conversion.MapValue(column, names.Select((name, i) => new KeyValuePair<uint, string>((uint)i, name)), ClassColumn, treatValuesAsKeyType: true);
    }

    /// <summary>The output column again, as a concatenation of one scalar column per class named like the class, so its slots carry the class names.</summary>
    private static IEstimator<ITransformer> SlotNames(TransformsCatalog catalog, string output, IReadOnlyList<string> classes)
    {
        IEstimator<ITransformer> steps = new EstimatorChain<ITransformer>();
        for (int i = 0; i < classes.Count; i++)
        {
            steps = steps.Append(catalog.Conversion.MapValue(SlotIndexColumn, [new KeyValuePair<int, int>(StateKey, i)], StateKeyColumn))
                .Append(catalog.CustomMapping(new PickSlotFactory().GetMapping(), PickSlotContract))
                .Append(catalog.CopyColumns(classes[i], SlotColumn));
        }
        return steps.Append(catalog.Concatenate(output, [.. classes]));
    }

    private static Steps MakeSteps(TransformsCatalog catalog, UnitPruningOptions options, int outputSize, byte[] state, PruneFactory factory)
    {
        IEstimator<ITransformer> prefix = catalog.CustomMapping(new StateKeyFactory().GetMapping(), StateKeyContract)
            .Append(catalog.Conversion.MapValue(StateColumn, [new KeyValuePair<int, byte[]>(StateKey, state)], StateKeyColumn));
        IEstimator<ITransformer> check = catalog.ApproximatedKernelMap(CheckColumn, options.InputColumnName, rank: 1);
        IEstimator<ITransformer> body = catalog.CopyColumns(InputColumn, options.InputColumnName)
            .Append(catalog.CustomMapping(factory.GetMapping(), PruneContract));
        // With class names the output column is made by the slot-name steps: the selected scores go to a helper
        // column nobody reads (so no hidden output column is left behind).
        string selected = options.ClassNames is null ? options.OutputColumnName : SelectedColumn;
        IEstimator<ITransformer> select = catalog.FeatureSelection.SelectFeaturesBasedOnCount(selected, RawColumn, count: 1);
        string[] helpers = [StateKeyColumn, StateColumn, CheckColumn, InputColumn, RawColumn, ExecutedColumn, SkippedColumn];
        if (options.PredictedLabelColumnName is not null)
        {
            helpers = [.. helpers, ClassColumn];
        }
        IEstimator<ITransformer> tail = new EstimatorChain<ITransformer>();
        if (options.ClassNames is { } classes)
        {
            tail = SlotNames(catalog, options.OutputColumnName, classes);
            helpers = [.. helpers, SelectedColumn, SlotIndexColumn, SlotColumn, .. classes];
        }
        if (options.PredictedLabelColumnName is { } label)
        {
            tail = tail.Append(catalog.CustomMapping(new ArgMaxFactory().GetMapping(), ArgMaxContract))
                .Append(PredictedLabel(catalog, options, label, outputSize));
        }
        if (options.EmitStatistics)
        {
            tail = tail.Append(catalog.CopyColumns(options.MacsExecutedColumnName, ExecutedColumn))
                .Append(catalog.CopyColumns(options.MacsSkippedColumnName, SkippedColumn));
        }
        return new Steps(prefix, check, body, select, tail.Append(catalog.DropColumns(helpers)));
    }

    /// <summary>One zero row with a known-size vector column of the model's input size, to fit the input check on.</summary>
    private static IDataView InputTemplate(MLContext ml, string column, int size)
    {
        SchemaDefinition schema = SchemaDefinition.Create(typeof(TemplateRow));
        SchemaDefinition.Column values = schema[nameof(TemplateRow.Values)];
        values.ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        values.ColumnName = column;
        return ml.Data.LoadFromEnumerable([new TemplateRow { Values = new float[size] }], schema);
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer t) => t is IEnumerable<ITransformer> chain ? chain : [t];

    private static byte[] ReadState(ITransformer keyMapping, ITransformer stateMapping)
    {
        // One row with a column to spare: ML.NET's cursor splitting fails on a view without columns.
        IDataView oneRow = new MLContext().Data.LoadFromEnumerable([new PruneOutput()]);
        IDataView withState = stateMapping.Transform(keyMapping.Transform(oneRow));
        DataViewSchema.Column column = withState.Schema.GetColumnOrNull(StateColumn)
            ?? throw new FormatException("The saved model is damaged: its UnIT state column is missing.");
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

    private sealed record Steps(
        IEstimator<ITransformer> Prefix, IEstimator<ITransformer> Check, IEstimator<ITransformer> Body,
        IEstimator<ITransformer> Select, IEstimator<ITransformer> Tail);

    private sealed class TemplateRow
    {
        public float[] Values { get; set; } = [];
    }

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

    internal sealed class ArgMaxInput
    {
        [ColumnName(RawColumn)]
        [VectorType(MaxOutputSize)]
        public VBuffer<float> Raw { get; set; }
    }

    internal sealed class ArgMaxOutput
    {
        [ColumnName(ClassColumn)]
        public uint Class { get; set; }
    }

    /// <summary>The class of a row: the index of its first largest score, or <see cref="NoClass"/> when a score is NaN (as the library's evaluation).</summary>
    [CustomMappingFactoryAttribute(ArgMaxContract)]
    internal sealed class ArgMaxFactory : CustomMappingFactory<ArgMaxInput, ArgMaxOutput>
    {
        public override Action<ArgMaxInput, ArgMaxOutput> GetMapping() => static (input, output) =>
        {
            ReadOnlySpan<float> scores = input.Raw.GetValues();
            int best = scores.IsEmpty ? ClassificationMetrics.NoClass : ClassificationMetrics.ArgMax(scores, scores.Length)[0];
            output.Class = best == ClassificationMetrics.NoClass ? NoClass : (uint)best;
        };
    }

    internal sealed class PickSlotInput
    {
        [ColumnName(RawColumn)]
        [VectorType(MaxOutputSize)]
        public VBuffer<float> Raw { get; set; }

        [ColumnName(SlotIndexColumn)]
        public int Index { get; set; }
    }

    internal sealed class PickSlotOutput
    {
        [ColumnName(SlotColumn)]
        public float Value { get; set; }
    }

    /// <summary>One score as a scalar: the slot given by the index column.</summary>
    [CustomMappingFactoryAttribute(PickSlotContract)]
    internal sealed class PickSlotFactory : CustomMappingFactory<PickSlotInput, PickSlotOutput>
    {
        public override Action<PickSlotInput, PickSlotOutput> GetMapping() => static (input, output) =>
            output.Value = input.Raw.GetItemOrDefault(input.Index);
    }

    /// <summary>
    /// One instance per fitted or loaded model: on Fit it is given the scorer; on load ML.NET makes it with
    /// the parameterless constructor and it rebuilds the scorer from the state column on the first row.
    /// </summary>
    [CustomMappingFactoryAttribute(PruneContract)]
    internal sealed class PruneFactory : CustomMappingFactory<PruneInput, PruneOutput>
    {
        private readonly object _gate = new();
        private UnitScorer? _scorer;

        /// <summary>Used by ML.NET on load: the scorer comes from the state column.</summary>
        public PruneFactory()
        {
        }

        /// <summary>Used on Fit: the scorer is already built.</summary>
        public PruneFactory(UnitScorer scorer) => _scorer = scorer;

        public override Action<PruneInput, PruneOutput> GetMapping() => Map;

        private UnitScorer ScorerFor(byte[] state)
        {
            if (Volatile.Read(ref _scorer) is { } built)
            {
                return built;
            }
            lock (_gate)
            {
                // Rows of parallel cursors race here: the state is read once.
                if (_scorer is null)
                {
                    Volatile.Write(ref _scorer, UnitModelState.Read(state));
                }
                return _scorer!;
            }
        }

        private void Map(PruneInput input, PruneOutput output)
        {
            UnitScorer scorer = ScorerFor(input.State);
            if (t_probing)
            {
                t_probed = scorer;
                output.Raw = FirstSlots([]);
                return;
            }
            output.Raw = FirstSlots(scorer.Score(input.Input, out long executed, out long skipped));
            output.MacsExecuted = executed;
            output.MacsSkipped = skipped;
        }
    }
}
