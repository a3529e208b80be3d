namespace UnIT.ML.Sweeps;

/// <summary>
/// Pareto fronts of accuracy against a cost: the points no other point beats on both axes at once.
/// A point is dominated when another is at least as good on both axes and strictly better on one;
/// equal points do not dominate each other, so both stay on the front.
/// </summary>
public static class ParetoFront
{
    /// <summary>The non-dominated points for maximal accuracy and the given objective, ordered by increasing cost savings.</summary>
    /// <param name="points">The points; for <see cref="ParetoObjective.Cycles"/> they should share one profile.</param>
    /// <param name="objective">Skipped fraction (maximized) or cycles (minimized).</param>
    public static IReadOnlyList<SweepPoint> Compute(IEnumerable<SweepPoint> points, ParetoObjective objective) =>
        objective switch
        {
            ParetoObjective.SkippedFraction => Compute(points, p => p.SkippedFraction, p => p.Accuracy),
            ParetoObjective.Cycles => Compute(points, p => -p.Cycles, p => p.Accuracy),
            _ => throw new ArgumentOutOfRangeException(nameof(objective), objective, "Unknown Pareto objective."),
        };

    /// <summary>The items not dominated when both <paramref name="benefit"/> and <paramref name="accuracy"/> are maximized, ordered by increasing benefit (then decreasing accuracy).</summary>
    /// <param name="items">The candidates.</param>
    /// <param name="benefit">What to maximize besides accuracy (negate a cost).</param>
    /// <param name="accuracy">The accuracy (maximized).</param>
    public static IReadOnlyList<T> Compute<T>(IEnumerable<T> items, Func<T, double> benefit, Func<T, double> accuracy)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(benefit);
        ArgumentNullException.ThrowIfNull(accuracy);
        (T Item, double B, double A)[] all = items.Select(i => (i, benefit(i), accuracy(i))).ToArray();
        // Quadratic, but sweeps hold hundreds of points at most and this reads as the definition.
        return all
            .Where(p => !all.Any(q => q.B >= p.B && q.A >= p.A && (q.B > p.B || q.A > p.A)))
            .OrderBy(p => p.B).ThenByDescending(p => p.A)
            .Select(p => p.Item)
            .ToArray();
    }
}
