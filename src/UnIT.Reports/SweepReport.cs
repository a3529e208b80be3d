using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>
/// Sweep points with what every report of them shows: a title and the Pareto fronts (accuracy against MACs
/// skipped over all points; accuracy against cycles within each profile, since cycle counts of different
/// cost tables do not compare). Immutable.
/// </summary>
public sealed class SweepReport
{
    private readonly HashSet<SweepPoint> _skippedFront;
    private readonly HashSet<SweepPoint> _cyclesFront;

    /// <summary>Computes the fronts of <paramref name="points"/>.</summary>
    /// <param name="points">The evaluated points, in the order reports list them.</param>
    /// <param name="title">What was swept, e.g. "fashion_mnist_cnn, 10,000 validation images".</param>
    public SweepReport(IReadOnlyList<SweepPoint> points, string title)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(title);
        Points = points;
        Title = title;
        SkippedFront = ParetoFront.Compute(points, ParetoObjective.SkippedFraction);
        CyclesFronts = points.GroupBy(p => p.Coordinates.Profile)
            .ToDictionary(g => g.Key, g => ParetoFront.Compute(g, p => -CostOf(p), p => p.Accuracy), StringComparer.Ordinal);
        _skippedFront = new HashSet<SweepPoint>(SkippedFront, ReferenceEqualityComparer.Instance);
        _cyclesFront = new HashSet<SweepPoint>(CyclesFronts.Values.SelectMany(f => f), ReferenceEqualityComparer.Instance);
    }

    /// <summary>
    /// The cycles a point is plotted and ranked at: its pruned-run estimate, except the dense point, which stands
    /// for running the model without UnIT and so costs the dense baseline (no comparisons, nothing skipped).
    /// </summary>
    public static double CostOf(SweepPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        return point.Coordinates.Kind == SweepPointKind.Dense ? point.DenseCycles : point.Cycles;
    }

    /// <summary>What was swept, for titles.</summary>
    public string Title { get; }

    /// <summary>All points.</summary>
    public IReadOnlyList<SweepPoint> Points { get; }

    /// <summary>The accuracy / MACs-skipped Pareto front over all points, by increasing skipped fraction.</summary>
    public IReadOnlyList<SweepPoint> SkippedFront { get; }

    /// <summary>Per profile, the accuracy / cycles (<see cref="CostOf"/>) Pareto front of its points, by decreasing cycles.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<SweepPoint>> CyclesFronts { get; }

    /// <summary>Whether <paramref name="point"/> (one of <see cref="Points"/>) is on the front of <paramref name="objective"/>.</summary>
    public bool IsOnFront(SweepPoint point, ParetoObjective objective) =>
        (objective == ParetoObjective.Cycles ? _cyclesFront : _skippedFront).Contains(point);
}
