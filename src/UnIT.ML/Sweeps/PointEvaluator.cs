using UnIT.ML.Evaluation;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.ML.Sweeps;

/// <summary>
/// What sweeps and searches share: one model, its calibration batches and one labelled set, with the dense
/// logits of that set computed once. Calibrates thresholds and evaluates settings into <see cref="SweepPoint"/>s.
/// Thread-safe after construction.
/// </summary>
internal sealed class PointEvaluator
{
    private readonly IReadOnlyList<Tensor> _calibration;
    private readonly Tensor _images;
    private readonly IReadOnlyList<int> _labels;
    private readonly float[] _denseLogits;
    private readonly int[] _densePredictions;

    public PointEvaluator(ModelGraph graph, IEnumerable<Tensor> calibration, Tensor images, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != images.Shape[0])
        {
            throw new ArgumentException($"There are {images.Shape[0]} validation images but {labels.Count} labels.", nameof(labels));
        }
        // Calibration reads the batches twice per percentile; materialize them once.
        _calibration = calibration.ToList();
        if (_calibration.Sum(b => b.Shape[0]) == 0)
        {
            throw new ArgumentException("Calibration needs at least one sample; the calibration data is empty.", nameof(calibration));
        }
        Graph = graph;
        _images = images;
        _labels = labels;
        _denseLogits = Evaluator.DenseLogits(graph, images);
        _densePredictions = ClassificationMetrics.ArgMax(_denseLogits, _denseLogits.Length / labels.Count);
    }

    public ModelGraph Graph { get; }

    /// <summary>Every prunable layer at T = 0.</summary>
    public ThresholdSet ZeroThresholds() => ThresholdSet.Zero(Graph);

    /// <summary>
    /// Thresholds at percentile <paramref name="percentile"/> for the model as it will run, i.e. after the
    /// magnitude-pruning and FATReLU baselines, with the fixed-point Q formats. Independent of the division;
    /// with <paramref name="fixedPoint"/> calibrated on the int16 products, as <see cref="PrunedModel.Create"/> does for such profiles.
    /// </summary>
    public ThresholdSet Calibrate(double percentile, bool groupWise, double magnitudeSparsity = 0, float fatReluTau = 0, bool fixedPoint = false)
    {
        // A model with explicit zero thresholds on a float profile is built without calibrating; it yields the
        // baselines exactly as PrunedModel applies them.
        PrunedModel baselines = PrunedModel.Create(Graph, new PruningOptions
        {
            Thresholds = ZeroThresholds(),
            MagnitudeSparsity = magnitudeSparsity,
            FatReluTau = fatReluTau,
        }, null);
        return Calibrator.Calibrate(baselines.Graph, _calibration, new CalibrationOptions
        {
            Percentile = percentile,
            GroupWise = groupWise,
            FatReluThresholds = baselines.FatReluThresholds,
            FixedPoint = fixedPoint ? Calibrator.CalibrateQuantization(baselines.Graph, _calibration) : null,
        });
    }

    /// <summary>Runs the setting <paramref name="coordinates"/> with <paramref name="thresholds"/> on the labelled set.</summary>
    public SweepPoint Evaluate(SweepCoordinates coordinates, ThresholdSet thresholds)
    {
        PrunedModel model = PrunedModel.Create(Graph, new PruningOptions
        {
            Thresholds = thresholds,
            GroupWise = coordinates.GroupWise,
            Division = coordinates.Division,
            Profile = coordinates.Profile,
            MagnitudeSparsity = coordinates.MagnitudeSparsity,
            FatReluTau = coordinates.FatReluTau,
        }, _calibration);
        EvaluationResult result = Evaluator.Evaluate(model, _images, _labels, _denseLogits);
        // Paired counts against the dense model give the drop's standard error (SweepPoint.AccuracyDropStandardError).
        int lost = 0, gained = 0;
        for (int i = 0; i < _labels.Count; i++)
        {
            float[] row = result.Logits[i];
            bool dense = _densePredictions[i] == _labels[i];
            bool pruned = ClassificationMetrics.ArgMax(row, row.Length)[0] == _labels[i];
            lost += dense && !pruned ? 1 : 0;
            gained += !dense && pruned ? 1 : 0;
        }
        return SweepPoint.FromEvaluation(coordinates, result) with { SamplesLost = lost, SamplesGained = gained };
    }
}
