using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.ML.Sweeps;

/// <summary>
/// The validation points of a one-knob method of <see cref="Comparison"/> (a single percentile, a FATReLU tau, a
/// magnitude sparsity): the grid of the options, then, per accuracy limit, refined where the limit is crossed. A grid
/// alone under-reports a method whose largest grid value still fits the limit, or whose border lies between two
/// grid values, and the comparison would then favour the method with the finer or longer grid.
/// </summary>
internal sealed class KnobCurve
{
    private readonly PointEvaluator _evaluator;
    private readonly ComparisonMethod _method;
    private readonly SweepCoordinates _at;
    private readonly CostTable? _costs;
    private readonly bool _denseWhereCheaper;
    private readonly ProductHistogram? _histogram;
    private readonly List<SweepPoint> _points = [];

    public KnobCurve(PointEvaluator evaluator, ComparisonMethod method, SweepCoordinates at, ComparisonOptions options)
    {
        _evaluator = evaluator;
        _method = method;
        _at = at;
        _costs = options.Search.Costs;
        _denseWhereCheaper = options.Search.DenseWhereCheaper;
        if (method == ComparisonMethod.SinglePercentile)
        {
            _histogram = evaluator.Histogram(false, fixedPoint: TargetProfile.FromName(at.Profile).Numerics == NumericFormat.FixedPoint16);
        }
        IEnumerable<double> grid = method switch
        {
            ComparisonMethod.SinglePercentile => options.Percentiles,
            ComparisonMethod.FatRelu => options.FatReluTaus.Select(t => (double)t),
            _ => options.MagnitudeSparsities,
        };
        _points.Add(evaluator.Evaluate(at, evaluator.ZeroThresholds(), _costs, _denseWhereCheaper));
        double[] knobs = [.. grid.Distinct().Order()];
        // The whole percentile grid in one scan of the calibration products, not one scan per percentile.
        IReadOnlyList<ThresholdSet>? sets = _histogram?.ThresholdsFor(knobs);
        for (int i = 0; i < knobs.Length; i++)
        {
            EvaluateAt(knobs[i], sets?[i]);
        }
    }

    /// <summary>Every point evaluated so far, the dense setting (T = 0) first.</summary>
    public IReadOnlyList<SweepPoint> Points => _points;

    /// <summary>The knob of a point: its percentile, tau or sparsity; 0 for the dense setting.</summary>
    public static double KnobOf(SweepCoordinates c) => c.Kind switch
    {
        SweepPointKind.Unit => c.Percentile ?? 0,
        SweepPointKind.FatRelu => c.FatReluTau,
        SweepPointKind.MagnitudePruning => c.MagnitudeSparsity,
        _ => 0,
    };

    /// <summary>
    /// Moves toward where <paramref name="feasible"/> stops holding: from the largest feasible knob, steps past the
    /// grid while the next value still fits (percentile and sparsity halve the distance to 100 and 1, tau doubles),
    /// then bisects between the last fitting and the first failing knob; at most <paramref name="steps"/> evaluations
    /// for each of the two phases.
    /// </summary>
    public void Refine(Func<SweepPoint, bool> feasible, int steps)
    {
        SweepPoint? best = _points.Where(feasible).MaxBy(p => KnobOf(p.Coordinates));
        if (best is null || steps == 0)
        {
            return;
        }
        double low = KnobOf(best.Coordinates);
        double[] above = [.. _points.Select(p => KnobOf(p.Coordinates)).Where(k => k > low)];
        double? high = above.Length > 0 ? above.Min() : null;
        for (int i = 0; i < steps && high is null; i++)
        {
            double next = Beyond(low);
            if (!(next > low))
            {
                return;
            }
            if (feasible(EvaluateAt(next)))
            {
                low = next;
            }
            else
            {
                high = next;
            }
        }
        for (int i = 0; i < steps && high is double h; i++)
        {
            double mid = Rounded((low + h) / 2);
            if (!(mid > low && mid < h))
            {
                return;
            }
            if (feasible(EvaluateAt(mid)))
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }
    }

    // NaN where no step is left: a sparsity must stay below 1.
    private double Beyond(double knob) => _method switch
    {
        ComparisonMethod.SinglePercentile => Rounded((knob + 100) / 2),
        ComparisonMethod.FatRelu => knob > 0 ? Rounded(2 * knob) : 0,
        _ => Rounded((knob + 1) / 2) is var s && s < 1 ? s : double.NaN,
    };

    // Six decimals, so a refined setting reads as what it is ("s=0.425") and can be typed back; a FATReLU tau is then
    // the float nearest, as it runs, so one knob is never evaluated twice under two names.
    private double Rounded(double knob)
    {
        double decimals = Math.Round(knob, 6);
        return _method == ComparisonMethod.FatRelu ? (float)decimals : decimals;
    }

    /// <param name="knob">The percentile, tau or sparsity.</param>
    /// <param name="percentileThresholds">A percentile's thresholds when already made; else made here.</param>
    private SweepPoint EvaluateAt(double knob, ThresholdSet? percentileThresholds = null)
    {
        if (_points.FirstOrDefault(p => KnobOf(p.Coordinates) == knob && p.Coordinates.Kind != SweepPointKind.Dense) is { } known)
        {
            return known;
        }
        SweepPoint point = _method switch
        {
            ComparisonMethod.SinglePercentile =>
                _evaluator.Evaluate(_at with { Kind = SweepPointKind.Unit, Percentile = knob }, percentileThresholds ?? _histogram!.ThresholdsFor(knob), _costs, _denseWhereCheaper),
            ComparisonMethod.FatRelu =>
                _evaluator.Evaluate(_at with { Kind = SweepPointKind.FatRelu, FatReluTau = (float)knob }, _evaluator.ZeroThresholds(), _costs, _denseWhereCheaper),
            _ => _evaluator.Evaluate(_at with { Kind = SweepPointKind.MagnitudePruning, MagnitudeSparsity = knob }, _evaluator.ZeroThresholds(), _costs, _denseWhereCheaper),
        };
        _points.Add(point);
        return point;
    }
}
