using System.Globalization;
using UnIT.ML.Division;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.ML.Sweeps;

/// <summary>The constraint, objective, target and budget of a <see cref="ThresholdSearch"/>. Immutable; change with <c>with</c>.</summary>
public sealed record SearchOptions
{
    /// <summary>The default percentile levels a layer may take: 10, 20, ..., 90, 95, 98, 99, 99.5.</summary>
    public static IReadOnlyList<double> DefaultLevels { get; } = [10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 98, 99, 99.5];

    /// <summary>The largest accepted accuracy drop versus the dense float32 model on the validation set (0.01 is one point).</summary>
    public double MaxAccuracyDrop { get; init; } = 0.01;

    /// <summary>
    /// How many standard errors of the measured drop must also fit under <see cref="MaxAccuracyDrop"/>: a state is
    /// accepted when drop + z * SE &lt;= D, SE from the paired disagreements with the dense model
    /// (<see cref="SweepPoint.AccuracyDropStandardError"/>). 0 accepts any measured drop &lt;= D. The default 2 guards
    /// against validation noise, which a search choosing among dozens of states otherwise spends: with z = 1 a
    /// 1,000-image validation set let MNIST thresholds through at 0.3 points that cost 2.45 on the test set.
    /// </summary>
    public double ConfidenceZ { get; init; } = 2;

    /// <summary>
    /// Widen the margin with the number of states compared: the k-th evaluation is judged with
    /// z_k = sqrt(z^2 + 2 ln k) standard errors (the Gaussian bound on the luckiest of k noise terms), and the answer
    /// must be feasible at the z of the last evaluation. Guards against the winner's curse of choosing among many
    /// states on one validation set, at the price of a stricter limit.
    /// </summary>
    public bool SelectionAdjustedMargin { get; init; }

    /// <summary>
    /// Two-fold check: every decision of the search (feasibility, ranking, pruning of the space) uses only the even
    /// validation samples; the answer is the best state that is also feasible (same z) on the odd samples, whose noise
    /// the search never saw.
    /// </summary>
    public bool CrossValidate { get; init; }

    /// <summary>
    /// Shifted copies of every validation image (0 to 4: moved one pixel right, left, down, up) added to the validation
    /// set, so that the drop is measured on more samples. The standard error then counts each image with its copies as
    /// one cluster, and cross-validation splits by image.
    /// </summary>
    public int ValidationShifts { get; init; }

    /// <summary>
    /// Every state runs with bias correction (<see cref="Pruning.BiasCorrection"/>): each layer's bias takes back the mean
    /// its skipped MACs contributed on the calibration data, so the search judges (and returns) corrected thresholds.
    /// </summary>
    public bool BiasCorrection { get; init; }

    /// <summary>
    /// Every state runs with skip compensation (<see cref="Pruning.SkipCompensation"/>): a MAC the
    /// threshold skips adds a constant calibrated for its weight instead of nothing, so the search judges (and returns)
    /// compensated thresholds. Each compensated skip costs an add, which the cycle objective counts.
    /// </summary>
    public bool SkipCompensation { get; init; }

    /// <summary>
    /// The calibration samples (the first this many) each state's bias correction and skip compensation are measured on
    /// (<see cref="Pruning.PruningOptions.CorrectionSamples"/>); null: all. The thresholds still come from every calibration sample.
    /// </summary>
    public int? CorrectionSamples { get; init; }

    /// <summary>
    /// How many calibration samples <see cref="GroupAllocation.Sensitivity"/> measures each output channel's sensitivity on
    /// (<see cref="Pruning.ChannelSensitivity"/>): one dense run of this many samples per output channel of the model.
    /// </summary>
    public int SensitivitySamples { get; init; } = Pruning.ChannelSensitivity.DefaultSamples;

    /// <summary>What the greedy passes rank moves by: objective gained per unit of this damage (feasibility is always the accuracy drop).</summary>
    public SearchDamage RankBy { get; init; } = SearchDamage.AccuracyDrop;

    /// <summary>What to maximize: MACs skipped, or estimated speed-up on <see cref="Profile"/>.</summary>
    public SearchObjective Objective { get; init; } = SearchObjective.Macs;

    /// <summary>Target profile the thresholds run on (float32, max78000, msp430).</summary>
    public string Profile { get; init; } = TargetProfile.DefaultName;

    /// <summary>
    /// The cycle costs that price a state for <see cref="SearchObjective.Cycles"/> and the reported cycles, e.g. the
    /// measured <see cref="CostTable.Msp430SoftwareMultiply"/>; null takes <see cref="Profile"/>'s own table.
    /// </summary>
    public CostTable? Costs { get; init; }

    /// <summary>
    /// Cycles objective only: a layer a state leaves at T = 0 runs by the plain dense loop where <see cref="Costs"/> (or the
    /// profile's table) prices that below the UnIT kernel's zero skipping (<see cref="KernelChoice"/>; same outputs), so a
    /// state is priced as it would be deployed and the thresholds record the choice (<see cref="ThresholdSet.DenseLayers"/>).
    /// </summary>
    public bool DenseWhereCheaper { get; init; }

    /// <summary>Division approximator (exact, bitshift, binarytree, bitmask); null takes the profile's default.</summary>
    public string? Division { get; init; }

    /// <summary>BitShift only: the starting shift count s (n = max(s, e(C))); null is plain BitShift.</summary>
    public int? BitShiftStartingShift { get; init; }

    /// <summary>BinaryTree only: weight the pivot tree by the calibration data's control-term exponents (same thresholds, fewer comparisons).</summary>
    public bool CalibrateBinaryTree { get; init; }

    /// <summary>The most evaluations on the validation set (each runs the whole set once); calibrations are not counted.</summary>
    public int Budget { get; init; } = 100;

    /// <summary>How many times the search may halve the level spacing around its best state (coarse-to-fine); 0 keeps the given levels.</summary>
    public int Refinements { get; init; } = 3;

    /// <summary>
    /// After the refinements, trade between layers: from the best state, raise one layer a level while lowering another
    /// a level, keep the best feasible trade that skips more (or saves more cycles), climb greedily from it, and repeat
    /// until no trade gains or the budget is spent. The greedy climb only raises levels, so it cannot give a little of a
    /// small layer's skipping for more of a large layer's; trades can. Each round costs up to L(L-1) evaluations for L layers.
    /// </summary>
    public bool Trades { get; init; }

    /// <summary>Calibrate one threshold per output channel / neuron at each level (the level is still chosen per layer).</summary>
    public bool GroupWise { get; init; }

    /// <summary>With <see cref="GroupWise"/>: how a layer's level becomes one percentile per output channel / neuron.</summary>
    public GroupAllocation GroupAllocation { get; init; } = GroupAllocation.SamePercentile;

    /// <summary>
    /// Magnitude-pruning sparsities (0..1) the search may put under UnIT; default [0] (none). With
    /// <see cref="FatReluTaus"/>, every combination other than (0, 0) is a candidate baseline: see <see cref="BaselineShare"/>.
    /// </summary>
    public IReadOnlyList<double> MagnitudeSparsities { get; init; } = [0];

    /// <summary>FATReLU taus (&gt;= 0) the search may put under UnIT; default [0] (plain Relu).</summary>
    public IReadOnlyList<float> FatReluTaus { get; init; } = [0];

    /// <summary>
    /// The share of <see cref="MaxAccuracyDrop"/> a baseline alone may spend (with the same z margin) to be searched
    /// on: of the feasible ones, the strongest FATReLU alone, magnitude alone and both together each get a UnIT
    /// search, beside plain UnIT, and the budget left after trying the baselines is split between these searches.
    /// </summary>
    public double BaselineShare { get; init; } = 0.5;

    /// <summary>The percentile levels (0..100) a layer may take besides T = 0; each is calibrated once for all layers.</summary>
    public IReadOnlyList<double> Levels { get; init; } = DefaultLevels;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public void Validate()
    {
        if (!(MaxAccuracyDrop >= 0 && MaxAccuracyDrop <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAccuracyDrop), MaxAccuracyDrop, "The maximum accuracy drop must be between 0 and 1 (0.01 is one point).");
        }
        if (!Enum.IsDefined(Objective))
        {
            throw new ArgumentOutOfRangeException(nameof(Objective), Objective, "Unknown search objective.");
        }
        if (!Enum.IsDefined(RankBy))
        {
            throw new ArgumentOutOfRangeException(nameof(RankBy), RankBy, "Unknown damage measure.");
        }
        if (!Enum.IsDefined(GroupAllocation))
        {
            throw new ArgumentOutOfRangeException(nameof(GroupAllocation), GroupAllocation, "Unknown group allocation.");
        }
        if (!(ConfidenceZ >= 0) || double.IsInfinity(ConfidenceZ))
        {
            throw new ArgumentOutOfRangeException(nameof(ConfidenceZ), ConfidenceZ, "The confidence factor z must be finite and >= 0.");
        }
        if (Refinements < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Refinements), Refinements, "The number of refinements must be >= 0.");
        }
        if (ValidationShifts is < 0 or > Sweeps.ValidationShifts.MaxCopies)
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationShifts), ValidationShifts, $"Validation shifts must be 0 to {Sweeps.ValidationShifts.MaxCopies} (one copy per direction).");
        }
        if (CorrectionSamples < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CorrectionSamples), CorrectionSamples, "Corrections need at least one calibration sample.");
        }
        if (SensitivitySamples < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SensitivitySamples), SensitivitySamples, "Sensitivity needs at least one calibration sample.");
        }
        if (Budget < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Budget), Budget, "The evaluation budget must be at least 1.");
        }
        TargetProfile.FromName(Profile);
        Costs?.Validate();
        if (DenseWhereCheaper && Objective != SearchObjective.Cycles)
        {
            throw new ArgumentException("Choosing the dense loop where it is cheaper needs the cycles objective: it saves cycles and gives up the MACs its zero skips saved.", nameof(DenseWhereCheaper));
        }
        string division = Division is null ? TargetProfile.FromName(Profile).DefaultDivision.Name : DivisionApproximators.Create(Division).Name;
        DivisionApproximators.CheckSettings(BitShiftStartingShift, CalibrateBinaryTree, [division]);
        if (MagnitudeSparsities is null || MagnitudeSparsities.Count == 0 || MagnitudeSparsities.Any(v => !(v >= 0 && v < 1)))
        {
            throw new ArgumentOutOfRangeException(nameof(MagnitudeSparsities), "Magnitude sparsities must be in [0, 1), at least one (0 is none).");
        }
        if (FatReluTaus is null || FatReluTaus.Count == 0 || FatReluTaus.Any(v => !(v >= 0) || float.IsInfinity(v)))
        {
            throw new ArgumentOutOfRangeException(nameof(FatReluTaus), "FATReLU taus must be finite and >= 0, at least one (0 is plain Relu).");
        }
        if (!(BaselineShare > 0 && BaselineShare <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(BaselineShare), BaselineShare, "The baseline share of the accuracy limit must be in (0, 1].");
        }
        if (Levels is null || Levels.Count == 0)
        {
            throw new ArgumentException("The search needs at least one percentile level.", nameof(Levels));
        }
        foreach (double p in Levels.Where(p => !(p >= 0 && p <= 100)))
        {
            throw new ArgumentOutOfRangeException(nameof(Levels), p, string.Create(CultureInfo.InvariantCulture, $"Percentile level {p} is outside 0..100."));
        }
    }
}
