using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Sweeps;
using UnIT.ML.Targets;

namespace UnIT.ML.Shift;

/// <summary>
/// UnIT under domain shift against magnitude pruning at the same MAC budget (the paper's domain-shift section):
/// UnIT's thresholds are calibrated on clean data (or given, e.g. a search's) and magnitude pruning's sparsity is matched
/// to UnIT's MACs skipped on the clean test set; both are then evaluated, unchanged, on reproducibly shifted copies of that set.
/// </summary>
public static class ShiftComparison
{
    /// <summary>Runs the comparison.</summary>
    /// <param name="graph">The model.</param>
    /// <param name="calibration">Clean calibration batches.</param>
    /// <param name="images">The clean test images as one batch [N, C, H, W], pixels in <see cref="ShiftOptions.PixelRange"/> (reshaped for a model that takes them flattened, transposed for one that takes them channels last: <see cref="ImageLayout"/>).</param>
    /// <param name="labels">One label per image.</param>
    /// <param name="options">Percentile or given thresholds, shifts, seed and profile.</param>
    /// <param name="progress">Told before each step and at the end.</param>
    /// <exception cref="ArgumentException">Invalid options, empty calibration data, a model without a convolution or fully connected layer, a batch that is not 4-D or has a value outside the pixel range, or labels and images differ in count.</exception>
    public static ShiftResult Run(ModelGraph graph, IEnumerable<Tensor> calibration, Tensor images, IReadOnlyList<int> labels, ShiftOptions options,
        IProgress<SweepProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(graph);
        if (ImageShift.PixelProblem(images, range: options.PixelRange) is { } problem)
        {
            throw new ArgumentException(problem, nameof(images));
        }
        IReadOnlyList<Tensor> batches = calibration.ToList();
        var shifts = options.Kinds.Distinct().SelectMany(k => options.StrengthsOf(k).Select(s => (Kind: k, Strength: s))).ToArray();
        var reporter = new StepReporter(progress, 2 + options.MatchSteps + shifts.Length);
        reporter.Start("clean data");
        Tensor cleanInput = ImageLayout.ToModelInput(graph, images);
        var clean = new PointEvaluator(graph, batches, cleanInput, labels);
        TargetProfile profile = TargetProfile.FromName(options.Profile);
        ThresholdSet? given = options.Thresholds;
        var plainAt = new SweepCoordinates { Kind = SweepPointKind.Unit, Profile = profile.Name, Division = profile.DefaultDivision.Name };
        SweepCoordinates unitAt = given is null ? plainAt with { Percentile = options.Percentile } : CoordinatesOf(given, plainAt, graph);
        ThresholdSet thresholds = given ?? clean.Histogram(false, fixedPoint: profile.Numerics == NumericFormat.FixedPoint16).ThresholdsFor(options.Percentile);
        SweepPoint unit = clean.Evaluate(unitAt, thresholds);
        reporter.Finish();

        // Magnitude pruning removes MACs monotonically in its sparsity: bisect for UnIT's skipped fraction on clean data.
        SweepCoordinates MagnitudeAt(double s) => plainAt with { Kind = SweepPointKind.MagnitudePruning, MagnitudeSparsity = s };
        double low = 0, high = 0.999;
        SweepPoint? best = null;
        for (int step = 0; step < options.MatchSteps; step++)
        {
            double mid = (low + high) / 2;
            reporter.Start($"matching magnitude sparsity: {mid:0.####}");
            SweepPoint point = clean.Evaluate(MagnitudeAt(mid), clean.ZeroThresholds());
            reporter.Finish();
            if (best is null || Math.Abs(point.SkippedFraction - unit.SkippedFraction) < Math.Abs(best.SkippedFraction - unit.SkippedFraction))
            {
                best = point;
            }
            (low, high) = point.SkippedFraction < unit.SkippedFraction ? (mid, high) : (low, mid);
        }
        double sparsity = best!.Coordinates.MagnitudeSparsity;

        TrainTimeRuns? trainTime = options.TrainTimePruned is { } pruned
            ? new TrainTimeRuns(pruned, batches, plainAt, options.TrainTimeUnitPercentile, profile.Numerics == NumericFormat.FixedPoint16)
            : null;
        var cleanRow = new ShiftRow { Unit = unit, Magnitude = best };
        var rows = new List<ShiftRow> { trainTime?.Measure(cleanInput, labels, cleanRow) ?? cleanRow };
        foreach ((ShiftKind kind, double strength) in shifts)
        {
            reporter.Start($"{kind} {strength:0.###}");
            Tensor input = ImageLayout.ToModelInput(graph, ImageShift.ApplyInRange(images, kind, strength, options.Seed, options.PixelRange));
            var shifted = new PointEvaluator(graph, batches, input, labels);
            var row = new ShiftRow
            {
                Kind = kind,
                Strength = strength,
                Unit = shifted.Evaluate(unitAt, thresholds),
                Magnitude = shifted.Evaluate(MagnitudeAt(sparsity), shifted.ZeroThresholds()),
            };
            rows.Add(trainTime?.Measure(input, labels, row) ?? row);
            reporter.Finish();
        }
        reporter.Done();
        return new ShiftResult { Rows = rows, MagnitudeSparsity = sparsity, Options = options };
    }

    /// <summary>
    /// Where saved thresholds sit among sweep points: their percentile, division and settings, corrections and
    /// baselines, so each row reports what ran (the set's own corrections and pivots are used, not recomputed).
    /// </summary>
    private static SweepCoordinates CoordinatesOf(ThresholdSet given, SweepCoordinates plain, ModelGraph graph)
    {
        // One tau on every Relu is what a point's FatReluTau means; other sets of taus still run, as saved.
        float[] taus = given.FatRelu?.Values.Distinct().ToArray() ?? [];
        bool everyRelu = given.FatRelu?.Count == graph.Nodes.OfType<ActivationNode>().Count(a => a.Kind == ActivationKind.Relu);
        return plain with
        {
            Percentile = given.Percentile,
            Division = given.Division ?? plain.Division,
            GroupWise = given.GroupWise,
            BitShiftStartingShift = given.DivisionSettings?.StartingShift,
            CalibrateBinaryTree = given.DivisionSettings?.PivotWeights is not null,
            BiasCorrection = given.BiasCorrections is not null,
            SkipCompensation = given.SkipCompensations is not null,
            MagnitudeSparsity = given.MagnitudeSparsity ?? 0,
            FatReluTau = taus.Length == 1 && everyRelu ? taus[0] : 0,
        };
    }

    /// <summary>The train-time pruned model on each test set, as it is and with UnIT calibrated once on the clean calibration data.</summary>
    private sealed class TrainTimeRuns
    {
        private readonly ModelGraph _model;
        private readonly IReadOnlyList<Tensor> _calibration;
        private readonly SweepCoordinates _asIs;
        private readonly SweepCoordinates _withUnit;
        private readonly bool _fixedPoint;
        private ThresholdSet? _thresholds;

        public TrainTimeRuns(ModelGraph model, IReadOnlyList<Tensor> calibration, SweepCoordinates plain, double percentile, bool fixedPoint)
        {
            _model = model;
            _calibration = calibration;
            _asIs = plain with { Kind = SweepPointKind.Dense };
            _withUnit = plain with { Percentile = percentile };
            _fixedPoint = fixedPoint;
        }

        /// <summary><paramref name="row"/> with the model's figures on <paramref name="input"/> (in the model input's layout).</summary>
        public ShiftRow Measure(Tensor input, IReadOnlyList<int> labels, ShiftRow row)
        {
            var evaluator = new PointEvaluator(_model, _calibration, input, labels);
            // The histogram reads the calibration data only, so one calibration serves every test set.
            _thresholds ??= evaluator.Histogram(false, fixedPoint: _fixedPoint).ThresholdsFor(_withUnit.Percentile!.Value);
            return row with { TrainTime = evaluator.Evaluate(_asIs, evaluator.ZeroThresholds()), TrainTimeUnit = evaluator.Evaluate(_withUnit, _thresholds) };
        }
    }
}
