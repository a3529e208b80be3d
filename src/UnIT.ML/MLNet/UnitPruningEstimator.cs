using Microsoft.ML;
using Microsoft.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.ML.MLNet;

/// <summary>
/// Calibrates UnIT on the data given to <see cref="Fit"/> and returns a <see cref="UnitPruningTransformer"/>.
/// Made by <see cref="UnitPruningCatalog"/>. Holds the graph and a copy of the options;
/// nothing to dispose.
/// </summary>
public sealed class UnitPruningEstimator : IEstimator<UnitPruningTransformer>
{
    private const int CalibrationBatchSize = 64;
    private readonly TransformsCatalog _catalog;
    private readonly UnitPruningOptions _options;

    internal UnitPruningEstimator(TransformsCatalog catalog, UnitPruningOptions options, ModelGraph graph)
    {
        _catalog = catalog;
        _options = options.Clone();
        _options.Validate(graph.Outputs[0].Shape.SampleSize, graph.Name);
        Graph = graph;
    }

    /// <summary>The model to prune, as given.</summary>
    public ModelGraph Graph { get; }

    /// <summary>A copy of the settings.</summary>
    public UnitPruningOptions Options => _options.Clone();

    /// <summary>The pipeline's schema after this step: the input's columns plus the output (and statistics) columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the input column is missing or is not a known-size vector of Single; the message names the column, the expected and the actual type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        InputColumnCheck.Check(inputSchema, _options.InputColumnName, Graph);
        return BuiltInCarrier.Estimator(_catalog, _options, Graph.Outputs[0].Shape.SampleSize).GetOutputSchema(inputSchema);
    }

    /// <summary>
    /// Calibrates thresholds (unless explicit ones were given; fixed-point profiles also choose Q formats)
    /// on up to <see cref="UnitPruningOptions.CalibrationRowLimit"/> rows of <paramref name="input"/>,
    /// streamed with cursors in batches (two passes, nothing kept in memory), and returns the transformer.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When the input column does not fit the model (as <see cref="GetOutputSchema"/>, vector size included), or another input column is named like one of <see cref="UnitPruningOptions.ClassNames"/>.</exception>
    public UnitPruningTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        DataViewSchema.Column column = InputColumnCheck.Check(input.Schema, _options.InputColumnName, Graph);
        _options.CheckClassNamesAgainst(input.Schema);
        IEnumerable<Tensor> calibration = CalibrationBatches(input, column);
        var scorer = new UnitScorer(Prune(_options, calibration), _options);
        var chain = BuiltInCarrier.Build(_catalog, scorer, input, UnitModelState.Write(scorer));
        return new UnitPruningTransformer(scorer, chain);
    }

    /// <summary>
    /// One transformer per percentile from one calibration pass: the rows are read once, the dense pass runs once,
    /// and each percentile's thresholds equal those <see cref="Fit"/> calibrates with <see cref="UnitPruningOptions.Percentile"/>
    /// set to it (<see cref="ProductHistogram"/>). The other options apply to every transformer.
    /// </summary>
    /// <exception cref="InvalidOperationException">When the options give explicit thresholds (there is nothing to calibrate).</exception>
    /// <exception cref="ArgumentOutOfRangeException">When a percentile is outside 0..100, the input column does not fit the model, or another input column is named like a class.</exception>
    public IReadOnlyList<UnitPruningTransformer> FitPercentiles(IDataView input, IEnumerable<double> percentiles)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(percentiles);
        if (_options.Thresholds is not null)
        {
            throw new InvalidOperationException("FitPercentiles calibrates thresholds, but the options give explicit Thresholds; use Fit.");
        }
        DataViewSchema.Column column = InputColumnCheck.Check(input.Schema, _options.InputColumnName, Graph);
        _options.CheckClassNamesAgainst(input.Schema);
        Tensor[] calibration = CalibrationBatches(input, column).ToArray();
        IReadOnlyList<ThresholdSet> sets = ProductHistogram.ForModel(Graph, _options.ToPruningOptions(), calibration).ThresholdsFor(percentiles);
        return sets.Select(set =>
        {
            UnitPruningOptions options = _options.Clone();
            options.Percentile = set.Percentile ?? 0;
            options.Thresholds = set;
            var scorer = new UnitScorer(Prune(options, calibration), options);
            return new UnitPruningTransformer(scorer, BuiltInCarrier.Build(_catalog, scorer, input, UnitModelState.Write(scorer)));
        }).ToArray();
    }

    /// <summary>The model <paramref name="options"/> make on <paramref name="calibration"/> (re-enumerable), with dense loops where they ask for them.</summary>
    private PrunedModel Prune(UnitPruningOptions options, IEnumerable<Tensor> calibration)
    {
        PrunedModel model = PrunedModel.Create(Graph, options.ToPruningOptions(), calibration);
        return options.DenseWhereCheaper is { } costs ? KernelChoice.DenseWhereCheaper(model, costs, calibration) : model;
    }

    /// <summary>Re-enumerable: each enumeration opens a new cursor, as the two calibration passes need.</summary>
    private IEnumerable<Tensor> CalibrationBatches(IDataView input, DataViewSchema.Column column)
    {
        int sampleSize = Graph.InputSampleSize;
        long limit = _options.CalibrationRowLimit ?? long.MaxValue;
        using DataViewRowCursor cursor = input.GetRowCursor([column]);
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> row = default;
        var batch = new List<float>(CalibrationBatchSize * sampleSize);
        long read = 0;
        while (read < limit && cursor.MoveNext())
        {
            getter(ref row);
            if (row.Length != sampleSize)
            {
                throw new InvalidOperationException(
                    $"Row {cursor.Position} of column '{column.Name}' has {row.Length} values; model '{Graph.Name}' expects {sampleSize} per sample.");
            }
            batch.AddRange(row.DenseValues());
            read++;
            if (batch.Count == CalibrationBatchSize * sampleSize)
            {
                yield return ToTensor(batch);
            }
        }
        if (batch.Count > 0)
        {
            yield return ToTensor(batch);
        }
    }

    private Tensor ToTensor(List<float> batch)
    {
        int samples = batch.Count / Graph.InputSampleSize;
        var tensor = new Tensor(Graph.Input.Shape.WithBatch(samples), batch.ToArray());
        batch.Clear();
        return tensor;
    }
}
