using UnIT.ML.Graph;
using UnIT.ML.Shift;

namespace UnIT.ML.Sweeps;

/// <summary>
/// Per-layer threshold search: finds a calibration percentile for each prunable layer that maximizes MACs
/// skipped (or estimated speed-up on a profile) while the accuracy drop on a validation set stays within a
/// limit D, spending at most a budget of validation evaluations. The held-out test set is never seen here;
/// report on it afterwards. The strategy is described in docs/search.md.
/// </summary>
/// <remarks>
/// <para>Each layer takes a percentile <em>level</em> (default 10, 20, ..., 90, 95, 98, 99, 99.5) or T = 0
/// ("off"). Every level comes from one calibration pass (<see cref="Pruning.ProductHistogram"/>), so a state costs
/// one validation run and no calibration. A state is <em>feasible</em> when its validation drop plus z standard errors is at most D
/// (<see cref="SearchOptions.ConfidenceZ"/>). Assuming accuracy only falls as thresholds rise, any state at or
/// above an infeasible one in every layer is skipped unevaluated. All phases share one memo of states:</para>
/// <list type="number">
/// <item><b>Start</b>: every layer off; if even this is infeasible (fixed-point loss), the search stops there.</item>
/// <item><b>Uniform curve</b>: every layer at the same level, ascending, until two levels in a row are infeasible:
/// the single-percentile baseline. The answer is the best feasible state seen, so never worse than it.</item>
/// <item><b>Sensitivity curves</b>: one layer at ascending levels, the others off, up to its first infeasible
/// level, which then bounds that layer in every joint state.</item>
/// <item><b>Greedy coordinate ascent</b> from all off, then from the best uniform state: each round raises one
/// layer to its next level, choosing the feasible move with the largest objective gain per accuracy lost (loss
/// floored at one sample). Candidates are tried lazily, in order of their last known score; a round stops once
/// the best score found beats every untried candidate's last score. A pass ends when no move helps.</item>
/// <item><b>Refinement</b> (<see cref="SearchOptions.Refinements"/> times): halve the spacing above the best
/// state by calibrating each layer's midpoint to its next level, and ascend again from the best state.</item>
/// </list>
/// <para>Group-wise, each level's thresholds are per output channel / neuron percentiles, spread as
/// <see cref="SearchOptions.GroupAllocation"/> says; the level is still chosen per layer, which keeps the search
/// space (and the number of evaluations) independent of the number of groups.</para>
/// </remarks>
public static class ThresholdSearch
{
    /// <summary>Uniform levels stop after this many infeasible ones in a row.</summary>
    private const int InfeasibleLevelsToStop = 2;

    /// <summary>Refinement does not split level gaps narrower than this (percentile points).</summary>
    private const double FinestGap = 0.2;

    /// <summary>Runs the search.</summary>
    /// <param name="graph">The model.</param>
    /// <param name="calibration">Calibration batches (thresholds and fixed-point Q formats come from them); enumerated once.</param>
    /// <param name="validationImages">The validation images as one batch [N, ...] (with <see cref="SearchOptions.ValidationShifts"/>, [N, C, H, W], reshaped for a model that takes them flattened, transposed for one that takes them channels last: <see cref="ImageLayout"/>); never the test set.</param>
    /// <param name="validationLabels">One label per validation image.</param>
    /// <param name="options">Limit, objective, target and budget.</param>
    /// <param name="progress">Told before each calibration and evaluation, and at the end.</param>
    /// <param name="cancellationToken">Stops the search between steps.</param>
    /// <exception cref="ArgumentException">Invalid options, empty calibration data, a model without a convolution or fully connected layer, or labels and images differ in count.</exception>
    public static SearchResult Run(ModelGraph graph, IEnumerable<Tensor> calibration, Tensor validationImages, IReadOnlyList<int> validationLabels,
        SearchOptions options, IProgress<SweepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        double[] levels = options.Levels.Distinct().Order().ToArray();
        var reporter = new StepReporter(progress, options.Budget);
        reporter.Start("dense reference logits");
        if (options.ValidationShifts > 0)
        {
            ArgumentNullException.ThrowIfNull(validationImages);
            ArgumentNullException.ThrowIfNull(validationLabels);
            if (validationLabels.Count != validationImages.Shape[0])
            {
                throw new ArgumentException($"There are {validationImages.Shape[0]} validation images but {validationLabels.Count} labels.", nameof(validationLabels));
            }
            (validationImages, validationLabels) = ValidationShifts.Add(validationImages, validationLabels, options.ValidationShifts);
            validationImages = ImageLayout.ToModelInput(graph, validationImages);
        }
        var evaluator = new PointEvaluator(graph, calibration, validationImages, validationLabels);
        var trace = new List<SearchStep>();
        var plain = new SearchRun(evaluator, options, reporter, trace, 0, 0, cancellationToken);
        plain.Calibrate(levels);

        SearchStep start = plain.Evaluate(plain.Uniform(SearchRun.Off), SearchPhase.Start)!;
        if (start.Feasible)
        {
            List<SearchRun> runs = [plain, .. Baselines(evaluator, options, reporter, trace, cancellationToken)];
            for (int i = 0; i < runs.Count && trace.Count < options.Budget; i++)
            {
                // The budget left is split evenly between the runs still to go; what a run leaves passes on.
                runs[i].Budget = runs[i].Trace.Count + (options.Budget - trace.Count) / (runs.Count - i);
                SearchOn(runs[i], levels);
            }
        }
        reporter.Done();

        SearchStep best = BestFeasible(trace.Where(s => Confirmed(s, options, trace.Count))) ?? start;
        return new SearchResult
        {
            Thresholds = best.Point.Thresholds with { Method = "search", Percentile = null },
            LayerPercentiles = best.LayerPercentiles,
            Validation = best.Point,
            BestUniform = BestFeasible(plain.Trace.Where(s => s.Phase == SearchPhase.Uniform))?.Point,
            Feasible = best.Feasible,
            Trace = trace.ToArray(),
            Options = options,
        };
    }

    /// <summary>The phases of docs/search.md on one run (plain UnIT or UnIT on a baseline), from every layer off.</summary>
    private static void SearchOn(SearchRun run, double[] levels)
    {
        run.Calibrate(levels);
        SearchStep? start = run.Evaluate(run.Uniform(SearchRun.Off), SearchPhase.Start);
        if (start is null || !start.Feasible)
        {
            return;
        }
        UniformCurve(run, levels);
        SensitivityCurves(run, levels);
        Ascend(run, run.Uniform(SearchRun.Off));
        if (BestFeasible(run.Trace.Where(s => s.Phase == SearchPhase.Uniform)) is { } uniform)
        {
            Ascend(run, run.StateOf(uniform));
        }
        for (int r = 0; r < run.Options.Refinements && run.BudgetLeft && Refine(run); r++)
        {
            Ascend(run, run.StateOf(BestFeasible(run.Trace)!));
        }
        if (run.Options.Trades)
        {
            Trade(run);
        }
    }

    /// <summary>
    /// <see cref="SearchOptions.Trades"/>: from the best feasible state, every move that raises one layer a level and
    /// lowers another a level; the best feasible one that beats the state is accepted and climbed from, until none does.
    /// </summary>
    private static void Trade(SearchRun run)
    {
        while (run.BudgetLeft)
        {
            SearchStep best = BestFeasible(run.Trace)!;
            double[] state = run.StateOf(best);
            (double[] State, SearchStep Step)? gain = null;
            for (int up = 0; up < state.Length; up++)
            {
                for (int down = 0; down < state.Length; down++)
                {
                    if (up == down || run.Next(state[up]) is not double raised || run.Previous(state[down]) is not double lowered)
                    {
                        continue;
                    }
                    double[] candidate = (double[])state.Clone();
                    candidate[up] = raised;
                    candidate[down] = lowered;
                    if (run.KnownInfeasible(candidate))
                    {
                        continue;
                    }
                    if (run.Evaluate(candidate, SearchPhase.Trade) is not { } step)
                    {
                        return;
                    }
                    if (step.Feasible && step.Objective > (gain?.Step.Objective ?? best.Objective))
                    {
                        gain = (candidate, step);
                    }
                }
            }
            if (gain is null)
            {
                return;
            }
            run.Accept(gain.Value.Step);
            Ascend(run, gain.Value.State);
        }
    }

    /// <summary>
    /// Evaluates every FATReLU / magnitude combination alone (every layer at T = 0) and returns a run for the strongest
    /// of each family (FATReLU only, magnitude only, both) whose drop plus z standard errors fits in
    /// <see cref="SearchOptions.BaselineShare"/> of the limit: the bases UnIT is then searched on.
    /// </summary>
    private static IEnumerable<SearchRun> Baselines(PointEvaluator evaluator, SearchOptions options, StepReporter reporter, List<SearchStep> trace,
        CancellationToken cancellationToken)
    {
        var candidates = new List<(SearchRun Run, SearchStep Step)>();
        foreach (double sparsity in options.MagnitudeSparsities.Distinct().Order())
        {
            foreach (float tau in options.FatReluTaus.Distinct().Order())
            {
                var run = new SearchRun(evaluator, options, reporter, trace, sparsity, tau, cancellationToken);
                if (run.Plain)
                {
                    continue;
                }
                if (run.Evaluate(run.Uniform(SearchRun.Off), SearchPhase.Baseline) is not { } step)
                {
                    return [];
                }
                if (step.UpperBound <= options.BaselineShare * options.MaxAccuracyDrop + 1e-12)
                {
                    candidates.Add((run, step));
                }
            }
        }
        return candidates
            .GroupBy(c => (c.Run.MagnitudeSparsity > 0, c.Run.FatReluTau > 0))
            .Select(family => family.OrderByDescending(c => c.Step.Objective).ThenBy(c => c.Step.Point.AccuracyDrop).First())
            .OrderByDescending(c => c.Step.Objective)
            .Select(c => c.Run)
            .ToArray();
    }

    private static void UniformCurve(SearchRun run, double[] levels)
    {
        int infeasibleInARow = 0;
        foreach (double p in levels)
        {
            SearchStep? step = run.Evaluate(run.Uniform(p), SearchPhase.Uniform);
            infeasibleInARow = step is null ? InfeasibleLevelsToStop : step.Feasible ? 0 : infeasibleInARow + 1;
            if (infeasibleInARow >= InfeasibleLevelsToStop)
            {
                return;
            }
        }
    }

    private static void SensitivityCurves(SearchRun run, double[] levels)
    {
        for (int l = 0; l < run.Layers.Length; l++)
        {
            foreach (double p in levels)
            {
                double[] state = run.Uniform(SearchRun.Off);
                state[l] = p;
                if (run.KnownInfeasible(state))
                {
                    break;
                }
                SearchStep? step = run.Evaluate(state, SearchPhase.Sensitivity);
                if (step is null)
                {
                    return;
                }
                if (!step.Feasible)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Lazy greedy coordinate ascent from <paramref name="start"/>, one level per move.</summary>
    private static void Ascend(SearchRun run, double[] start)
    {
        SearchStep? current = run.Evaluate(start, SearchPhase.Greedy);
        if (current is null || !current.Feasible)
        {
            return;
        }
        double[] state = (double[])start.Clone();
        // The last score seen for raising each layer; unknown ones first.
        double[] priority = Enumerable.Repeat(double.PositiveInfinity, state.Length).ToArray();
        while (true)
        {
            (double[] State, SearchStep Step, double Score)? best = null;
            foreach (int l in Enumerable.Range(0, state.Length).OrderByDescending(l => priority[l]))
            {
                if (best is not null && best.Value.Score >= priority[l])
                {
                    break;
                }
                if (run.Next(state[l]) is not double next)
                {
                    continue;
                }
                double[] candidate = (double[])state.Clone();
                candidate[l] = next;
                if (run.KnownInfeasible(candidate))
                {
                    priority[l] = double.NegativeInfinity;
                    continue;
                }
                SearchStep? step = run.Evaluate(candidate, SearchPhase.Greedy);
                if (step is null)
                {
                    break;
                }
                double gain = step.Objective - current.Objective;
                double loss = step.Damage - current.Damage;
                priority[l] = step.Feasible && gain > 0 ? gain / Math.Max(loss, run.Resolution) : double.NegativeInfinity;
                if (priority[l] > double.NegativeInfinity && (best is null || priority[l] > best.Value.Score))
                {
                    best = (candidate, step, priority[l]);
                }
            }
            if (best is null)
            {
                return;
            }
            state = best.Value.State;
            current = run.Accept(best.Value.Step);
        }
    }

    /// <summary>Calibrates, for each layer of the best state, the midpoint to its next level; false when none is new.</summary>
    private static bool Refine(SearchRun run)
    {
        double[] best = run.StateOf(BestFeasible(run.Trace)!);
        var midpoints = new List<double>();
        foreach (double p in best)
        {
            double from = p == SearchRun.Off ? 0 : p;
            if (run.Next(p) is double next && next - from >= FinestGap)
            {
                midpoints.Add(Math.Round((from + next) / 2, 4));
            }
        }
        return run.Calibrate(midpoints) > 0;
    }

    /// <summary>The z of the k-th evaluation under <see cref="SearchOptions.SelectionAdjustedMargin"/>: sqrt(z^2 + 2 ln k).</summary>
    internal static double SelectionZ(double z, int k) => Math.Sqrt(z * z + 2 * Math.Log(Math.Max(1, k)));

    /// <summary>
    /// Whether a feasible step may be the answer: feasible on the held-out odd samples under cross-validation, and at
    /// the margin of the last of <paramref name="evaluations"/> under the selection-adjusted margin.
    /// </summary>
    private static bool Confirmed(SearchStep step, SearchOptions options, int evaluations)
    {
        double limit = options.MaxAccuracyDrop + 1e-12;
        if (options.CrossValidate)
        {
            return step.HoldoutDrop + options.ConfidenceZ * step.HoldoutStandardError <= limit;
        }
        return !options.SelectionAdjustedMargin
            || step.Point.AccuracyDrop + SelectionZ(options.ConfidenceZ, evaluations) * step.StandardError <= limit;
    }

    /// <summary>The feasible step with the highest objective (then the smallest drop, then the earliest).</summary>
    private static SearchStep? BestFeasible(IEnumerable<SearchStep> steps) => steps
        .Where(s => s.Feasible)
        .OrderByDescending(s => s.Objective).ThenBy(s => s.Point.AccuracyDrop).ThenBy(s => s.Evaluation)
        .FirstOrDefault();
}
