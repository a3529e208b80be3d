using System.Globalization;
using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Targets;

namespace UnIT.ML.Sweeps;

/// <summary>
/// The paper's comparison (its Figures 5 and 6) on one model: at equal accuracy limits, how many MACs and estimated
/// cycles UnIT with a single percentile, the per-layer and group-wise searches, FATReLU, magnitude pruning and UnIT
/// on those baselines save. Every setting is chosen on the validation set under the search's rule (drop + z SE
/// &lt;= D, best objective); only then is it measured on the test set. A search's choice under a tighter limit also
/// stands for each looser one where it scores higher on validation (<see cref="ComparisonRow.ChosenUnder"/>), so a looser
/// limit never skips less on validation.
/// </summary>
public static class Comparison
{
    /// <summary>Runs the comparison.</summary>
    /// <param name="graph">The model.</param>
    /// <param name="calibration">Calibration batches; enumerated once per search and once for the curves.</param>
    /// <param name="validationImages">The validation images as one batch; never the test set.</param>
    /// <param name="validationLabels">One label per validation image.</param>
    /// <param name="testImages">The test images as one batch, touched only after every choice is made.</param>
    /// <param name="testLabels">One label per test image.</param>
    /// <param name="options">Methods, limits and the searches' options.</param>
    /// <param name="progress">Told before each method and limit, and at the end.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    /// <exception cref="ArgumentException">Invalid options, empty calibration data, a model without a convolution or fully connected layer, or labels and images differ in count.</exception>
    public static ComparisonResult Run(ModelGraph graph, IEnumerable<Tensor> calibration, Tensor validationImages, IReadOnlyList<int> validationLabels,
        Tensor testImages, IReadOnlyList<int> testLabels, ComparisonOptions options, IProgress<SweepProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(testImages);
        ArgumentNullException.ThrowIfNull(testLabels);
        options.Validate();
        if (testLabels.Count != testImages.Shape[0])
        {
            throw new ArgumentException($"There are {testImages.Shape[0]} test images but {testLabels.Count} labels.", nameof(testLabels));
        }
        IReadOnlyList<Tensor> batches = calibration.ToList();
        SearchOptions search = options.Search;
        var reporter = new StepReporter(progress, options.Methods.Count * options.MaxAccuracyDrops.Count + 1);
        reporter.Start("dense reference logits");
        var evaluator = new PointEvaluator(graph, batches, validationImages, validationLabels);
        TargetProfile profile = TargetProfile.FromName(search.Profile);
        var at = new SweepCoordinates
        {
            Kind = SweepPointKind.Dense,
            Profile = profile.Name,
            Division = search.Division is null ? profile.DefaultDivision.Name : DivisionApproximators.Create(search.Division).Name,
        };

        var rows = new List<ComparisonRow>();
        var curves = new Dictionary<ComparisonMethod, KnobCurve>();
        foreach (double limit in options.MaxAccuracyDrops.Distinct().Order())
        {
            foreach (ComparisonMethod method in options.Methods.Distinct())
            {
                cancellationToken.ThrowIfCancellationRequested();
                reporter.Start(string.Create(CultureInfo.InvariantCulture, $"{method}, D = {100 * limit:0.##} pts"));
                if (method is ComparisonMethod.SinglePercentile or ComparisonMethod.FatRelu or ComparisonMethod.Magnitude)
                {
                    if (!curves.TryGetValue(method, out KnobCurve? curve))
                    {
                        curve = curves[method] = new KnobCurve(evaluator, method, at, options);
                    }
                    curve.Refine(p => Feasible(p, limit, search.ConfidenceZ), options.RefinementSteps);
                    SweepPoint? chosen = curve.Points.Where(p => Feasible(p, limit, search.ConfidenceZ)).OrderByDescending(p => Objective(p, search.Objective))
                        .ThenBy(p => p.AccuracyDrop).FirstOrDefault();
                    rows.Add(new ComparisonRow
                    {
                        Method = method, MaxAccuracyDrop = limit, Validation = chosen, Evaluations = curve.Points.Count,
                        Setting = chosen is null ? "none" : Knob(chosen.Coordinates),
                    });
                }
                else
                {
                    SearchResult result = ThresholdSearch.Run(graph, batches, validationImages, validationLabels, search with
                    {
                        MaxAccuracyDrop = limit,
                        GroupWise = method == ComparisonMethod.GroupSearch,
                        MagnitudeSparsities = method == ComparisonMethod.Combined ? [0, .. options.MagnitudeSparsities] : [0],
                        FatReluTaus = method == ComparisonMethod.Combined ? [0, .. options.FatReluTaus] : [0],
                        // The combined search first tries every baseline combination alone, then searches on up to three of them.
                        Budget = method == ComparisonMethod.Combined
                            ? 2 * search.Budget + (options.FatReluTaus.Count + 1) * (options.MagnitudeSparsities.Count + 1) - 1
                            : search.Budget,
                    }, cancellationToken: cancellationToken);
                    var own = new ComparisonRow
                    {
                        Method = method, MaxAccuracyDrop = limit, Evaluations = result.Evaluations,
                        Validation = result.Feasible ? result.Validation : null,
                        Setting = result.Feasible ? Describe(result) : "none",
                    };
                    // The method's row under the tighter limit before (limits ascend), whose choice meets this one too.
                    ComparisonRow? tighter = rows.LastOrDefault(r => r.Method == method);
                    rows.Add(tighter is null ? own : BetterOf(own, tighter, search.Objective));
                }
                reporter.Finish();
            }
        }

        // The test set is touched only now, after every choice; one run per distinct setting plus the dense reference.
        reporter.Start("test set");
        SweepPoint zero = evaluator.Evaluate(at, evaluator.ZeroThresholds(), search.Costs);
        SweepPoint[] chosenPoints = rows.Where(r => r.Validation is not null).Select(r => r.Validation!).Distinct().ToArray();
        IReadOnlyList<SweepPoint> measured = Sweep.Evaluate(graph, batches, testImages, testLabels, [zero, .. chosenPoints], search.Costs);
        var onTest = chosenPoints.Select((p, i) => (p, measured[i + 1])).ToDictionary(x => x.p, x => x.Item2);
        reporter.Done();
        return new ComparisonResult
        {
            Rows = rows.Select(r => r.Validation is null ? r : r with { Test = onTest[r.Validation] }).ToArray(),
            DenseTestAccuracy = measured[0].DenseAccuracy,
            Options = options,
            ValidationSamples = validationLabels.Count,
            TestSamples = testLabels.Count,
        };
    }

    /// <summary>Whether <paramref name="point"/>'s drop plus z standard errors is within <paramref name="limit"/> (the search's rule).</summary>
    public static bool Feasible(SweepPoint point, double limit, double z)
    {
        ArgumentNullException.ThrowIfNull(point);
        return point.AccuracyDrop + z * (point.AccuracyDropStandardError ?? 0) <= limit + 1e-12;
    }

    /// <summary>
    /// A search's own choice under a limit, or the choice under a tighter one when that scores higher on validation: it
    /// passed the tighter limit's rule, so it passes this one, and each limit's greedy search may spend its budget on
    /// another path, which would otherwise let a looser limit skip less.
    /// </summary>
    private static ComparisonRow BetterOf(ComparisonRow own, ComparisonRow tighter, SearchObjective objective)
    {
        if (tighter.Validation is not { } carried
            || own.Validation is { } chosen && Objective(chosen, objective) >= Objective(carried, objective))
        {
            return own;
        }
        double under = tighter.ChosenUnder ?? tighter.MaxAccuracyDrop;
        string setting = tighter.ChosenUnder is null
            ? tighter.Setting + string.Create(CultureInfo.InvariantCulture, $" (chosen under D = {100 * under:0.##} pts)")
            : tighter.Setting;
        return own with { Validation = carried, Setting = setting, ChosenUnder = under };
    }

    private static double Objective(SweepPoint p, SearchObjective objective) => objective == SearchObjective.Cycles ? p.Speedup : p.SkippedFraction;

    /// <summary>The one knob of a curve's point: "p=40", "tau=0.2", "s=0.3", or "T=0" for the dense setting.</summary>
    private static string Knob(SweepCoordinates c) => c.Kind switch
    {
        SweepPointKind.Unit => string.Create(CultureInfo.InvariantCulture, $"p={c.Percentile:0.######}"),
        SweepPointKind.FatRelu => string.Create(CultureInfo.InvariantCulture, $"tau={c.FatReluTau:0.######}"),
        SweepPointKind.MagnitudePruning => string.Create(CultureInfo.InvariantCulture, $"s={c.MagnitudeSparsity:0.######}"),
        _ => "T=0",
    };

    /// <summary>"conv1 p=35, conv2 off, fc p=40", and the baseline under UnIT when there is one.</summary>
    private static string Describe(SearchResult result)
    {
        SweepCoordinates c = result.Validation.Coordinates;
        string layers = string.Join(", ", result.LayerPercentiles.Select(kv =>
            kv.Value is double p ? string.Create(CultureInfo.InvariantCulture, $"{kv.Key} p={p:0.###}")
                : result.Thresholds.RunsDenseLoop(kv.Key) ? $"{kv.Key} dense" : $"{kv.Key} off"));
        return layers
            + (c.MagnitudeSparsity > 0 ? string.Create(CultureInfo.InvariantCulture, $"; on magnitude s={c.MagnitudeSparsity:0.###}") : "")
            + (c.FatReluTau > 0 ? string.Create(CultureInfo.InvariantCulture, $"; on FATReLU tau={c.FatReluTau:0.####}") : "");
    }
}
