using System.Globalization;
using UnIT.ML.Division;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.ML.Sweeps;

/// <summary>
/// The state of one <see cref="ThresholdSearch"/> over UnIT thresholds on one baseline (magnitude sparsity and
/// FATReLU tau, both 0 for plain UnIT): the percentile levels and their calibrations, the memo of evaluated states,
/// its own trace and budget. Runs on other baselines share the evaluator and the whole search's trace. A state gives
/// each layer a percentile level, or <see cref="Off"/> for T = 0.
/// </summary>
internal sealed class SearchRun
{
    /// <summary>The level of a layer that runs at T = 0.</summary>
    public const double Off = -1;

    private readonly PointEvaluator _evaluator;
    private readonly SearchOptions _options;
    private readonly StepReporter _reporter;
    private readonly CancellationToken _cancellationToken;
    private readonly SortedDictionary<double, ThresholdSet> _calibrated = new();
    private readonly Dictionary<string, int> _memo = new(StringComparer.Ordinal);
    private readonly List<SearchStep> _trace = new();
    private readonly List<SearchStep> _all;
    private readonly string _division;
    private readonly string _profile;
    private readonly bool _fixedPoint;

    /// <param name="evaluator">The model, calibration data and validation set.</param>
    /// <param name="options">The search's options; <see cref="SearchOptions.Budget"/> caps <paramref name="all"/>.</param>
    /// <param name="reporter">Progress.</param>
    /// <param name="all">The whole search's trace, shared by the runs on every baseline; evaluation numbers index it.</param>
    /// <param name="magnitudeSparsity">The magnitude-pruning sparsity under UnIT (0: none).</param>
    /// <param name="fatReluTau">The FATReLU tau under UnIT (0: plain Relu).</param>
    /// <param name="cancellationToken">Stops the run between steps.</param>
    public SearchRun(PointEvaluator evaluator, SearchOptions options, StepReporter reporter, List<SearchStep> all,
        double magnitudeSparsity, float fatReluTau, CancellationToken cancellationToken)
    {
        _all = all;
        MagnitudeSparsity = magnitudeSparsity;
        FatReluTau = fatReluTau;
        _evaluator = evaluator;
        _options = options;
        _reporter = reporter;
        _cancellationToken = cancellationToken;
        Layers = evaluator.Graph.PrunableLayers.Select(l => l.Name).ToArray();
        TargetProfile profile = TargetProfile.FromName(options.Profile);
        _profile = profile.Name;
        _fixedPoint = profile.Numerics == NumericFormat.FixedPoint16;
        _division = options.Division is null ? profile.DefaultDivision.Name : DivisionApproximators.Create(options.Division).Name;
    }

    /// <summary>The prunable layers, in graph order; a state has one level per layer.</summary>
    public string[] Layers { get; }

    /// <summary>The options of the whole search.</summary>
    public SearchOptions Options => _options;

    /// <summary>The magnitude-pruning sparsity this run puts under UnIT.</summary>
    public double MagnitudeSparsity { get; }

    /// <summary>The FATReLU tau this run puts under UnIT.</summary>
    public float FatReluTau { get; }

    /// <summary>Whether this run is plain UnIT (no baseline under it).</summary>
    public bool Plain => MagnitudeSparsity == 0 && FatReluTau == 0;

    /// <summary>This run's evaluations so far, in order.</summary>
    public IReadOnlyList<SearchStep> Trace => _trace;

    /// <summary>The most evaluations of this run (the whole search is capped by <see cref="SearchOptions.Budget"/> as well).</summary>
    public int Budget { get; set; } = int.MaxValue;

    /// <summary>Whether another state may be evaluated.</summary>
    public bool BudgetLeft => _trace.Count < Budget && _all.Count < _options.Budget;

    /// <summary>The smallest accuracy change the validation set can show: one sample.</summary>
    public double Resolution { get; private set; } = 1e-4;

    /// <summary>A state with every layer at <paramref name="level"/>.</summary>
    public double[] Uniform(double level) => Enumerable.Repeat(level, Layers.Length).ToArray();

    /// <summary>The smallest calibrated level above <paramref name="level"/>, or null at the top.</summary>
    public double? Next(double level)
    {
        foreach (double p in _calibrated.Keys)
        {
            if (p > level)
            {
                return p;
            }
        }
        return null;
    }

    /// <summary>The largest calibrated level below <paramref name="level"/>, <see cref="Off"/> below the lowest, or null at <see cref="Off"/>.</summary>
    public double? Previous(double level)
    {
        if (level == Off)
        {
            return null;
        }
        double previous = Off;
        foreach (double p in _calibrated.Keys)
        {
            if (p >= level)
            {
                break;
            }
            previous = p;
        }
        return previous;
    }

    /// <summary>Thresholds for every level of <paramref name="levels"/> not calibrated yet, from the one calibration pass; returns how many were new.</summary>
    public int Calibrate(IEnumerable<double> levels)
    {
        double[] missing = levels.Where(p => !_calibrated.ContainsKey(p)).Distinct().ToArray();
        if (missing.Length == 0)
        {
            return 0;
        }
        _cancellationToken.ThrowIfCancellationRequested();
        _reporter.Add(1);
        string step = string.Create(CultureInfo.InvariantCulture, $"thresholds for p={string.Join(",", missing.Select(p => p.ToString("0.###", CultureInfo.InvariantCulture)))}");
        _reporter.Start(step);
        IReadOnlyList<ThresholdSet> sets = Allocation switch
        {
            GroupAllocation.SameRelativeError => Histogram.ThresholdsForGroups(missing.Select(Histogram.EqualErrorPercentiles)),
            GroupAllocation.Sensitivity => SensitivityThresholds(missing, step),
            _ => Histogram.ThresholdsFor(missing),
        };
        _reporter.Finish();
        for (int i = 0; i < missing.Length; i++)
        {
            _calibrated[missing[i]] = sets[i];
        }
        return missing.Length;
    }

    /// <summary>
    /// The sensitivity-weighted thresholds of <paramref name="levels"/>. The first call measures the channels' sensitivity,
    /// one run of the graph's tail per channel and sample, which can take minutes: its share done goes into the step's description.
    /// </summary>
    private IReadOnlyList<ThresholdSet> SensitivityThresholds(double[] levels, string step)
    {
        var progress = new ShareProgress(share => _reporter.Start(string.Create(CultureInfo.InvariantCulture,
            $"{step}: channel sensitivity on {_options.SensitivitySamples:N0} samples at most, {share:0%} measured")));
        Dictionary<string, double[]> sensitivity = _evaluator.Sensitivity(MagnitudeSparsity, _options.SensitivitySamples, progress);
        return Histogram.ThresholdsForGroups(levels.Select(p => Histogram.SensitivityPercentiles(p, sensitivity)));
    }

    /// <summary>How a level is spread over groups; anything but the same percentile means no state is a plain single percentile.</summary>
    private GroupAllocation Allocation => _options.GroupWise ? _options.GroupAllocation : GroupAllocation.SamePercentile;

    /// <summary>The calibration counts every level comes from (one dense pass, on first use).</summary>
    public ProductHistogram Histogram => _evaluator.Histogram(_options.GroupWise, MagnitudeSparsity, FatReluTau, _fixedPoint);

    /// <summary>The step of <paramref name="state"/>: from the memo, or evaluated now. Null when the budget is spent.</summary>
    public SearchStep? Evaluate(double[] state, SearchPhase phase)
    {
        string key = string.Join(',', state.Select(p => p.ToString("R", CultureInfo.InvariantCulture)));
        if (_memo.TryGetValue(key, out int known))
        {
            return _trace[known];
        }
        if (!BudgetLeft)
        {
            return null;
        }
        _cancellationToken.ThrowIfCancellationRequested();
        bool uniform = Allocation == GroupAllocation.SamePercentile && state.Length > 0 && state.All(p => p == state[0]) && state[0] != Off;
        var coordinates = new SweepCoordinates
        {
            Kind = uniform ? SweepPointKind.Unit : SweepPointKind.Search,
            Percentile = uniform ? state[0] : null,
            Division = _division,
            Profile = _profile,
            GroupWise = _options.GroupWise,
            MagnitudeSparsity = MagnitudeSparsity,
            FatReluTau = FatReluTau,
            BitShiftStartingShift = _options.BitShiftStartingShift,
            CalibrateBinaryTree = _options.CalibrateBinaryTree,
            BiasCorrection = _options.BiasCorrection,
            SkipCompensation = _options.SkipCompensation,
            CorrectionSamples = _options.CorrectionSamples,
        };
        _reporter.Start($"{phase}: {Describe(state)}{Modifiers}");
        // A uniform state is exactly a single-percentile calibration; keep its record as such.
        SweepPoint point = _evaluator.Evaluate(coordinates, uniform ? _calibrated[state[0]] : Compose(state), _options.Costs, _options.DenseWhereCheaper);
        _reporter.Finish();
        Resolution = 1.0 / point.Samples;
        SampleOutcomes outcomes = point.Outcomes!.WithOriginals(point.Samples / (_options.ValidationShifts + 1));
        // Cross-validation decides on the even samples only and keeps the odd ones for the final check.
        int? decide = _options.CrossValidate ? 0 : null;
        double z = _options.SelectionAdjustedMargin ? ThresholdSearch.SelectionZ(_options.ConfidenceZ, _all.Count + 1) : _options.ConfidenceZ;
        double upperBound = outcomes.Drop(decide) + z * outcomes.StandardError(decide);
        var step = new SearchStep
        {
            Evaluation = _all.Count + 1,
            Phase = phase,
            LayerPercentiles = Layers.Select((l, i) => (l, state[i] == Off ? (double?)null : state[i])).ToDictionary(x => x.l, x => x.Item2, StringComparer.Ordinal),
            // The per-sample outcomes are only needed here; the trace would otherwise hold them for every state.
            Point = point with { Outcomes = null },
            Objective = _options.Objective == SearchObjective.Cycles ? point.Speedup : point.SkippedFraction,
            // A hair of tolerance so that a drop of exactly D, computed in floating point, counts as within D.
            Feasible = upperBound <= _options.MaxAccuracyDrop + 1e-12,
            UpperBound = upperBound,
            ConfidenceZ = z,
            StandardError = outcomes.StandardError(null),
            Damage = outcomes.Damage(_options.RankBy, decide),
            HoldoutDrop = _options.CrossValidate ? outcomes.Drop(1) : null,
            HoldoutStandardError = _options.CrossValidate ? outcomes.StandardError(1) : null,
        };
        _memo[key] = _trace.Count;
        _trace.Add(step);
        _all.Add(step);
        return step;
    }

    /// <summary>
    /// Whether <paramref name="state"/> is at or above, in every layer, a state already found infeasible: assuming
    /// accuracy only falls as thresholds rise, it is infeasible too and need not be evaluated.
    /// </summary>
    public bool KnownInfeasible(double[] state) =>
        _trace.Any(s => !s.Feasible && StateOf(s).Select((p, i) => p <= state[i]).All(x => x));

    /// <summary>The state a step evaluated.</summary>
    public double[] StateOf(SearchStep step) => Layers.Select(l => step.LayerPercentiles[l] ?? Off).ToArray();

    /// <summary>Marks <paramref name="step"/> as a move a greedy pass took; returns the marked step.</summary>
    public SearchStep Accept(SearchStep step)
    {
        SearchStep accepted = step with { Accepted = true };
        _trace[_trace.FindIndex(s => s.Evaluation == step.Evaluation)] = accepted;
        _all[step.Evaluation - 1] = accepted;
        return accepted;
    }

    private string Modifiers =>
        (MagnitudeSparsity > 0 ? string.Create(CultureInfo.InvariantCulture, $" + magnitude {MagnitudeSparsity:0.###}") : "")
        + (FatReluTau > 0 ? string.Create(CultureInfo.InvariantCulture, $" + FATReLU {FatReluTau:0.####}") : "");

    private string Describe(double[] state) => string.Join(", ", Layers.Select((l, i) =>
        state[i] == Off ? $"{l} off" : string.Create(CultureInfo.InvariantCulture, $"{l} p={state[i]:0.###}")));

    /// <summary>The thresholds of a mixed state: each layer's thresholds from its level's calibration.</summary>
    private ThresholdSet Compose(double[] state)
    {
        // A baseline alone (every layer off) may come before any calibration of its run.
        ThresholdSet any = _calibrated.Count > 0 ? _calibrated.First().Value : _evaluator.ZeroThresholds();
        return new ThresholdSet
        {
            Method = "search",
            GroupWise = _options.GroupWise,
            CalibrationSamples = any.CalibrationSamples,
            Model = any.Model,
            // Q formats come from value ranges of the dense pass, the same at every level.
            Quantization = any.Quantization,
            Layers = Layers.Select((l, i) => (l, state[i] == Off ? [0f] : _calibrated[state[i]].Layers[l]))
                .ToDictionary(x => x.l, x => x.Item2, StringComparer.Ordinal),
            QuantizedLayers = any.QuantizedLayers is null ? null
                : Layers.Select((l, i) => (l, state[i] == Off ? [0] : _calibrated[state[i]].QuantizedLayers![l]))
                    .ToDictionary(x => x.l, x => x.Item2, StringComparer.Ordinal),
        };
    }

    /// <summary>Passes a share done on at once, on the reporting thread (<see cref="Progress{T}"/> would post it elsewhere, out of order).</summary>
    private sealed class ShareProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
