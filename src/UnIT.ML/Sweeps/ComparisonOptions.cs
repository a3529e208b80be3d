namespace UnIT.ML.Sweeps;

/// <summary>What <see cref="Comparison"/> compares and under which limits. Immutable; change with <c>with</c>.</summary>
public sealed record ComparisonOptions
{
    /// <summary>The accuracy limits D (fractions; 0.01 is one point), each applied on validation to every method; default 0.5, 1 and 2 points.</summary>
    public IReadOnlyList<double> MaxAccuracyDrops { get; init; } = [0.005, 0.01, 0.02];

    /// <summary>The single percentiles tried for <see cref="ComparisonMethod.SinglePercentile"/>.</summary>
    public IReadOnlyList<double> Percentiles { get; init; } = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95];

    /// <summary>The FATReLU taus tried for <see cref="ComparisonMethod.FatRelu"/> (and offered to <see cref="ComparisonMethod.Combined"/>).</summary>
    public IReadOnlyList<float> FatReluTaus { get; init; } = [0.05f, 0.1f, 0.2f, 0.3f, 0.5f];

    /// <summary>The magnitude sparsities tried for <see cref="ComparisonMethod.Magnitude"/> (and offered to <see cref="ComparisonMethod.Combined"/>).</summary>
    public IReadOnlyList<double> MagnitudeSparsities { get; init; } = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];

    /// <summary>
    /// Validation runs each one-knob method (percentile, FATReLU, magnitude) may spend per limit beyond its grid: first
    /// past the grid's largest value while that still fits the limit, then bisecting between the last value that fits
    /// and the first that does not; 0 keeps the grid alone. Default 4 each, so a border between grid values is found
    /// to a sixteenth of their spacing.
    /// </summary>
    public int RefinementSteps { get; init; } = 4;

    /// <summary>
    /// The searches' options (the combined search gets twice the budget, plus one evaluation per baseline combination):
    /// objective, profile, division, costs, z, budget, levels, group allocation. Its
    /// <see cref="SearchOptions.MaxAccuracyDrop"/>, group-wise flag and baselines are set per row. Its z and objective
    /// also pick the curves' settings: the best objective whose drop + z SE fits under D.
    /// </summary>
    public SearchOptions Search { get; init; } = new() { Budget = 60 };

    /// <summary>The methods to run, in report order; default all.</summary>
    public IReadOnlyList<ComparisonMethod> Methods { get; init; } = Enum.GetValues<ComparisonMethod>();

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Search);
        Search.Validate();
        if (MaxAccuracyDrops is null || MaxAccuracyDrops.Count == 0 || MaxAccuracyDrops.Any(d => !(d >= 0 && d <= 1)))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAccuracyDrops), "The accuracy limits must be between 0 and 1 (0.01 is one point), at least one.");
        }
        if (Methods is null || Methods.Count == 0 || Methods.Any(m => !Enum.IsDefined(m)))
        {
            throw new ArgumentException("The comparison needs at least one known method.", nameof(Methods));
        }
        if (RefinementSteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RefinementSteps), RefinementSteps, "The refinement steps cannot be negative.");
        }
        new SweepGrid { Percentiles = Percentiles, FatReluTaus = FatReluTaus, MagnitudeSparsities = MagnitudeSparsities }.Validate();
    }
}
