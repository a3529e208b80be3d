using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using UnIT.ML.Evaluation;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.ML.Sweeps;

/// <summary>
/// What sweeps and searches share: one model, its calibration batches and one labelled set, with the dense
/// logits of that set computed once. Calibrates thresholds and evaluates settings into <see cref="SweepPoint"/>s.
/// Shared between points: the dense fixed-point metrics of each Q-format plan are computed once, and a point that
/// differs from the one evaluated just before only in its profile (same numerics, so the same engine: float32 and
/// max78000) reuses that run and only recosts it. Thread-safe after construction.
/// </summary>
internal sealed class PointEvaluator
{
    private readonly IReadOnlyList<Tensor> _calibration;
    private readonly Tensor _images;
    private readonly IReadOnlyList<int> _labels;
    private readonly float[] _denseLogits;
    private readonly ConcurrentDictionary<(bool, double, float, bool), Lazy<ProductHistogram>> _histograms = new();
    private readonly ConcurrentDictionary<(double, int), Lazy<Dictionary<string, double[]>>> _sensitivities = new();
    private readonly ConcurrentDictionary<QuantizationPlan, Lazy<ClassificationMetrics>> _quantizedDense = new(ReferenceEqualityComparer.Instance);
    private LastRun? _last;

    public PointEvaluator(ModelGraph graph, IEnumerable<Tensor> calibration, Tensor images, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (graph.PrunableLayers.Count == 0)
        {
            throw new ArgumentException($"Model '{graph.Name}' has no convolution or fully connected layer: UnIT has no MACs to skip, so there is nothing to sweep, search, compare or shift.", nameof(graph));
        }
        if (labels.Count != images.Shape[0])
        {
            throw new ArgumentException($"There are {images.Shape[0]} validation images but {labels.Count} labels.", nameof(labels));
        }
        // Calibration and fixed-point Q formats each read the batches; materialize them once.
        _calibration = calibration.ToList();
        if (_calibration.Sum(b => b.Shape[0]) == 0)
        {
            throw new ArgumentException("Calibration needs at least one sample; the calibration data is empty.", nameof(calibration));
        }
        Graph = graph;
        _images = ShapedForModel(graph.Input.Shape, images);
        _labels = labels;
        _denseLogits = Evaluator.DenseLogits(graph, _images);
    }

    public ModelGraph Graph { get; }

    /// <summary>
    /// <paramref name="images"/> reshaped to the model input when they hold as many values per sample in another shape
    /// (images [N, C, H, W] made for shifts, for a model that takes them flattened); otherwise as they are.
    /// </summary>
    private static Tensor ShapedForModel(Shape input, Tensor images)
    {
        bool reshape = images.Shape.Rank != input.Rank && input.Rank >= 2 && !input.Dimensions[1..].Contains(Shape.Dynamic)
            && images.Shape.SampleSize == input.SampleSize;
        return reshape ? images.Reshape(input.WithBatch(images.Shape[0])) : images;
    }

    /// <summary>Every prunable layer at T = 0.</summary>
    public ThresholdSet ZeroThresholds() => ThresholdSet.Zero(Graph);

    /// <summary>
    /// The calibration counts for the model as it will run, i.e. after the magnitude-pruning and FATReLU baselines,
    /// with the fixed-point Q formats: made by one dense pass on first use and shared by every percentile, division
    /// and profile with the same numerics. With <paramref name="fixedPoint"/> the counts are of the int16 products,
    /// as <see cref="PrunedModel.Create"/> calibrates such profiles.
    /// </summary>
    public ProductHistogram Histogram(bool groupWise, double magnitudeSparsity = 0, float fatReluTau = 0, bool fixedPoint = false) =>
        _histograms.GetOrAdd((groupWise, magnitudeSparsity, fatReluTau, fixedPoint), _ => new Lazy<ProductHistogram>(() => ProductHistogram.ForModel(Graph,
            new PruningOptions { GroupWise = groupWise, MagnitudeSparsity = magnitudeSparsity, FatReluTau = fatReluTau }, _calibration, fixedPoint))).Value;

    /// <summary>
    /// Each output channel / neuron's sensitivity (<see cref="ChannelSensitivity"/>) after magnitude pruning to
    /// <paramref name="magnitudeSparsity"/>, measured once on up to <paramref name="samples"/> calibration samples;
    /// <paramref name="progress"/> hears the measurement's share done when this call makes it.
    /// </summary>
    public Dictionary<string, double[]> Sensitivity(double magnitudeSparsity, int samples, IProgress<double>? progress = null) =>
        _sensitivities.GetOrAdd((magnitudeSparsity, samples), key => new Lazy<Dictionary<string, double[]>>(() =>
            ChannelSensitivity.Measure(MagnitudePruning.Apply(Graph, key.Item1), _calibration, key.Item2, progress))).Value;

    /// <summary>
    /// Runs the setting <paramref name="coordinates"/> with <paramref name="thresholds"/> on the labelled set; <paramref name="costs"/>
    /// prices it instead of the profile's own table; <paramref name="denseWhereCheaper"/> runs the layers at T = 0 by the dense
    /// loop where that table prices it lower (<see cref="SearchOptions.DenseWhereCheaper"/>).
    /// </summary>
    public SweepPoint Evaluate(SweepCoordinates coordinates, ThresholdSet thresholds, CostTable? costs = null, bool denseWhereCheaper = false)
    {
        PrunedModel model = PrunedModel.Create(Graph, new PruningOptions
        {
            Thresholds = thresholds,
            GroupWise = coordinates.GroupWise,
            Division = coordinates.Division,
            Profile = coordinates.Profile,
            MagnitudeSparsity = coordinates.MagnitudeSparsity,
            FatReluTau = coordinates.FatReluTau,
            BitShiftStartingShift = coordinates.BitShiftStartingShift,
            CalibrateBinaryTree = coordinates.CalibrateBinaryTree,
            BiasCorrection = coordinates.BiasCorrection,
            SkipCompensation = coordinates.SkipCompensation,
            CorrectionSamples = coordinates.CorrectionSamples,
        }, _calibration);
        var key = new RunKey(coordinates with { Profile = "" }, thresholds, model.Profile.Numerics);
        // The sorted-list counts cost more than the pruned run itself; they are taken only for the tables that price them.
        bool lists = model.Profile.Costs.SortedLists is not null || costs?.SortedLists is not null;
        EvaluationResult result = Volatile.Read(ref _last) is { } last && last.Key == key && (!lists || CountedLists(last.Result.Statistics))
            ? Recosted(last.Result, model)
            : Evaluator.Evaluate(model, _images, _labels, _denseLogits, QuantizedDense, countsSortedLists: lists);
        Volatile.Write(ref _last, new LastRun(key, result));
        if (denseWhereCheaper)
        {
            result = KernelChoice.WithZeroThresholdLayersDenseWhereCheaper(result, model, costs ?? model.Profile.Costs);
        }
        CostEstimate? cost = costs is null ? null : CostModel.Estimate(model.Profile.WithCosts(costs), result.Statistics, model.Graph);
        return SweepPoint.FromEvaluation(coordinates, result, cost) with
        {
            Outcomes = SampleOutcomes.Measure(_denseLogits, _labels, result.Logits),
        };
    }

    private ClassificationMetrics QuantizedDense(QuantizationPlan plan) =>
        _quantizedDense.GetOrAdd(plan, p => new Lazy<ClassificationMetrics>(() => Evaluator.QuantizedDenseMetrics(Graph, p, _images, _labels))).Value;

    private static bool CountedLists(InferenceStatistics stats) => stats.Layers.All(l => l.ListsUncounted == 0);

    /// <summary>The same run as <paramref name="run"/> (same engine, counts and outputs) costed for <paramref name="model"/>'s profile.</summary>
    private static EvaluationResult Recosted(EvaluationResult run, PrunedModel model) => new()
    {
        Pruned = run.Pruned,
        Dense = run.Dense,
        Change = run.Change,
        QuantizedDense = run.QuantizedDense,
        Statistics = run.Statistics,
        Cost = CostModel.Estimate(model.Profile, run.Statistics, model.Graph),
        Thresholds = model.Thresholds,
        Division = model.Division.Name,
        Profile = model.Profile.Name,
        PrunedWallTime = run.PrunedWallTime,
        DenseWallTime = run.DenseWallTime,
        Logits = run.Logits,
    };

    /// <summary>What decides the engine of a point: its coordinates but the profile, the thresholds (by identity) and the numerics.</summary>
    private readonly record struct RunKey(SweepCoordinates Coordinates, ThresholdSet Thresholds, NumericFormat Numerics)
    {
        public bool Equals(RunKey other) =>
            Coordinates == other.Coordinates && ReferenceEquals(Thresholds, other.Thresholds) && Numerics == other.Numerics;

        public override int GetHashCode() => HashCode.Combine(Coordinates, RuntimeHelpers.GetHashCode(Thresholds), Numerics);
    }

    private sealed record LastRun(RunKey Key, EvaluationResult Result);
}
