using UnIT.ML.Targets;
using System.Collections.Concurrent;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.ML.Sweeps;

/// <summary>
/// Evaluates every setting of a <see cref="SweepGrid"/> on a labelled validation set: the data behind an
/// accuracy-versus-MACs or accuracy-versus-cycles plot (the paper's Figure 5) and its Pareto front.
/// </summary>
/// <remarks>
/// Work is shared where the method allows: thresholds depend only on (percentile, group-wise, magnitude
/// sparsity, FATReLU tau, numerics); one calibration pass per (group-wise, sparsity, tau, numerics) keeps its
/// product counts (<see cref="ProductHistogram"/>) and serves every percentile, division and profile; the dense logits of the validation set are computed once. Each evaluation runs the
/// whole validation set as one batch, which the engine splits across all cores.
/// </remarks>
public static class Sweep
{
    /// <summary>Evaluates the grid; returns one point per setting, in the order of <see cref="SweepGrid.Points"/>.</summary>
    /// <param name="graph">The model.</param>
    /// <param name="calibration">Calibration batches (also the source of fixed-point Q formats); enumerated once.</param>
    /// <param name="images">The validation images, one batch [N, ...] matching the model input.</param>
    /// <param name="labels">One class label per validation image.</param>
    /// <param name="grid">The settings to evaluate.</param>
    /// <param name="progress">Told before each calibration and evaluation, and at the end.</param>
    /// <param name="cancellationToken">Stops the sweep between steps.</param>
    /// <exception cref="ArgumentException">The grid is invalid, the calibration data is empty, a model without a convolution or fully connected layer, or labels and images differ in count.</exception>
    public static IReadOnlyList<SweepPoint> Run(ModelGraph graph, IEnumerable<Tensor> calibration, Tensor images, IReadOnlyList<int> labels,
        SweepGrid grid, IProgress<SweepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grid);
        IReadOnlyList<SweepCoordinates> points = grid.Points();
        CalibrationKey[] keys = points.Where(p => p.Kind == SweepPointKind.Unit).Select(CalibrationKey.Of).Distinct().ToArray();
        // One calibration pass per model variant (group-wise, baselines, numerics) serves all its percentiles.
        var variants = keys.GroupBy(k => k with { Percentile = 0 }).ToArray();
        var reporter = new StepReporter(progress, variants.Length + points.Count);
        reporter.Start("dense reference logits");
        var evaluator = new PointEvaluator(graph, calibration, images, labels);

        var thresholds = new ConcurrentDictionary<CalibrationKey, ThresholdSet>();
        // The dense pass of a calibration runs one sample at a time, so variants go in parallel with each other.
        Parallel.ForEach(variants, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, variant =>
        {
            CalibrationKey v = variant.Key;
            reporter.Start($"calibrating {v.Describe(variant.Select(k => k.Percentile))}");
            CalibrationKey[] members = variant.ToArray();
            IReadOnlyList<ThresholdSet> sets = evaluator.Histogram(v.GroupWise, v.MagnitudeSparsity, v.FatReluTau, v.FixedPoint)
                .ThresholdsFor(members.Select(k => k.Percentile));
            for (int i = 0; i < members.Length; i++)
            {
                thresholds[members[i]] = sets[i];
            }
            reporter.Finish();
        });

        ThresholdSet zero = evaluator.ZeroThresholds();
        var results = new SweepPoint[points.Count];
        // Points that differ only in a profile of the same numerics run the same engine: evaluated one after another,
        // the evaluator runs it once and recosts it for the others.
        IEnumerable<int> order = Enumerable.Range(0, points.Count)
            .GroupBy(i => (points[i] with { Profile = "" }, CalibrationKey.Of(points[i]).FixedPoint))
            .SelectMany(g => g);
        foreach (int i in order)
        {
            cancellationToken.ThrowIfCancellationRequested();
            SweepCoordinates point = points[i];
            reporter.Start(point.ToString());
            results[i] = evaluator.Evaluate(point, point.Kind == SweepPointKind.Unit ? thresholds[CalibrationKey.Of(point)] : zero);
            reporter.Finish();
        }
        reporter.Done();
        return results;
    }

    /// <summary>
    /// Measures the settings of <paramref name="points"/> (coordinates and thresholds as they are) on another
    /// labelled set, e.g. a search result and the best single percentile on the held-out test set afterwards.
    /// </summary>
    /// <param name="graph">The model the points were made for.</param>
    /// <param name="calibration">Calibration batches; used only when a fixed-point point lacks Q formats.</param>
    /// <param name="images">The images, one batch [N, ...].</param>
    /// <param name="labels">One class label per image.</param>
    /// <param name="points">The settings to measure.</param>
    /// <param name="costs">The cycle costs to price them with (as the search that made them did); null takes each profile's own table.</param>
    /// <returns>One new point per setting, in order.</returns>
    public static IReadOnlyList<SweepPoint> Evaluate(ModelGraph graph, IEnumerable<Tensor> calibration, Tensor images, IReadOnlyList<int> labels,
        IEnumerable<SweepPoint> points, CostTable? costs = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        var evaluator = new PointEvaluator(graph, calibration, images, labels);
        return points.Select(p => evaluator.Evaluate(p.Coordinates, p.Thresholds, costs)).ToArray();
    }

    /// <summary>What calibrated thresholds depend on (fixed-point profiles calibrate on integer products).</summary>
    private readonly record struct CalibrationKey(double Percentile, bool GroupWise, double MagnitudeSparsity, float FatReluTau, bool FixedPoint)
    {
        public static CalibrationKey Of(SweepCoordinates c) => new(c.Percentile ?? 0, c.GroupWise, c.MagnitudeSparsity, c.FatReluTau,
            TargetProfile.FromName(c.Profile).Numerics == NumericFormat.FixedPoint16);

        /// <summary>The variant and the percentiles calibrated for it, for progress messages.</summary>
        public string Describe(IEnumerable<double> percentiles) => System.FormattableString.Invariant(
            $"p={string.Join(",", percentiles.Select(p => p.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)))}{(FixedPoint ? " int16" : "")}{(GroupWise ? " group-wise" : "")}{(MagnitudeSparsity > 0 ? $" s={MagnitudeSparsity:0.###}" : "")}{(FatReluTau > 0 ? $" tau={FatReluTau:0.####}" : "")}");
    }
}
