using UnIT.ML.Division;
using UnIT.ML.Targets;

namespace UnIT.ML.Sweeps;

/// <summary>
/// The settings a <see cref="Sweep"/> evaluates: the Cartesian product of its axes for UnIT, plus the
/// baselines of docs/method.md for each profile. Immutable; change with <c>with</c>.
/// </summary>
/// <remarks>
/// UnIT points: every percentile × group-wise × magnitude sparsity × FATReLU tau × profile × division, each with the
/// grid's bias correction and skip compensation.
/// Baselines (when <see cref="IncludeBaselines"/>), each with all thresholds 0 and the profile's default
/// division: dense for each profile, magnitude pruning alone for each sparsity &gt; 0, FATReLU alone for each tau &gt; 0.
/// </remarks>
public sealed record SweepGrid
{
    /// <summary>Calibration percentiles p (0..100), each applied to every layer; default 10, 20, ..., 90.</summary>
    public IReadOnlyList<double> Percentiles { get; init; } = [10, 20, 30, 40, 50, 60, 70, 80, 90];

    /// <summary>Division approximators (exact, bitshift, binarytree, bitmask); null uses each profile's default.</summary>
    public IReadOnlyList<string>? Divisions { get; init; }

    /// <summary>Target profiles (float32, max78000, msp430); default float32.</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [TargetProfile.DefaultName];

    /// <summary>Per-layer thresholds (false), per-group thresholds (true), or both; default per layer.</summary>
    public IReadOnlyList<bool> GroupWise { get; init; } = [false];

    /// <summary>Magnitude-pruning sparsities (0..1) under UnIT; 0 is plain UnIT. Default [0].</summary>
    public IReadOnlyList<double> MagnitudeSparsities { get; init; } = [0];

    /// <summary>FATReLU taus (&gt;= 0) under UnIT; 0 is plain Relu. Default [0].</summary>
    public IReadOnlyList<float> FatReluTaus { get; init; } = [0];

    /// <summary>BitShift points only: the starting shift count s (n = max(s, e(C))); null is plain BitShift.</summary>
    public int? BitShiftStartingShift { get; init; }

    /// <summary>BinaryTree points only: weight the pivot tree by the calibration data's control-term exponents.</summary>
    public bool CalibrateBinaryTree { get; init; }

    /// <summary>Every UnIT point runs with bias correction (<see cref="Pruning.BiasCorrection"/>), measured for its own thresholds.</summary>
    public bool BiasCorrection { get; init; }

    /// <summary>Every UnIT point runs with skip compensation (<see cref="Pruning.SkipCompensation"/>), calibrated for its own thresholds.</summary>
    public bool SkipCompensation { get; init; }

    /// <summary>
    /// The calibration samples the corrections are measured on (<see cref="Pruning.PruningOptions.CorrectionSamples"/>); null: all.
    /// Each UnIT point pays its passes over them.
    /// </summary>
    public int? CorrectionSamples { get; init; }

    /// <summary>Whether to add the dense, magnitude-pruning and FATReLU baseline points.</summary>
    public bool IncludeBaselines { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the axis and the bad value.</summary>
    public void Validate()
    {
        RequireValues(Percentiles, nameof(Percentiles));
        RequireValues(Profiles, nameof(Profiles));
        RequireValues(GroupWise, nameof(GroupWise));
        RequireValues(MagnitudeSparsities, nameof(MagnitudeSparsities));
        RequireValues(FatReluTaus, nameof(FatReluTaus));
        if (Divisions is not null)
        {
            RequireValues(Divisions, nameof(Divisions));
            foreach (string d in Divisions)
            {
                DivisionApproximators.Create(d);
            }
        }
        foreach (string p in Profiles)
        {
            TargetProfile.FromName(p);
        }
        DivisionApproximators.CheckSettings(BitShiftStartingShift, CalibrateBinaryTree,
            Divisions?.Select(d => DivisionApproximators.Create(d).Name) ?? Profiles.Select(p => TargetProfile.FromName(p).DefaultDivision.Name));
        foreach (double p in Percentiles.Where(p => !(p >= 0 && p <= 100)))
        {
            throw new ArgumentOutOfRangeException(nameof(Percentiles), p, $"Percentile {p} is outside 0..100.");
        }
        foreach (double s in MagnitudeSparsities.Where(s => !(s >= 0 && s < 1)))
        {
            throw new ArgumentOutOfRangeException(nameof(MagnitudeSparsities), s, $"Magnitude sparsity {s} is outside [0, 1).");
        }
        foreach (float t in FatReluTaus.Where(t => !(t >= 0) || float.IsInfinity(t)))
        {
            throw new ArgumentOutOfRangeException(nameof(FatReluTaus), t, $"FATReLU tau {t} must be finite and >= 0.");
        }
        if (CorrectionSamples < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CorrectionSamples), CorrectionSamples, "Corrections need at least one calibration sample.");
        }
    }

    /// <summary>The points to evaluate, baselines first, each coordinate in canonical form (lower-case names, no duplicates).</summary>
    public IReadOnlyList<SweepCoordinates> Points()
    {
        Validate();
        string[] profiles = Distinct(Profiles.Select(p => TargetProfile.FromName(p).Name));
        double[] sparsities = Distinct(MagnitudeSparsities);
        float[] taus = Distinct(FatReluTaus);
        var points = new List<SweepCoordinates>();
        if (IncludeBaselines)
        {
            foreach (string profile in profiles)
            {
                string division = TargetProfile.FromName(profile).DefaultDivision.Name;
                points.Add(new SweepCoordinates { Kind = SweepPointKind.Dense, Division = division, Profile = profile });
                points.AddRange(sparsities.Where(s => s > 0).Select(s => new SweepCoordinates
                {
                    Kind = SweepPointKind.MagnitudePruning, Division = division, Profile = profile, MagnitudeSparsity = s,
                }));
                points.AddRange(taus.Where(t => t > 0).Select(t => new SweepCoordinates
                {
                    Kind = SweepPointKind.FatRelu, Division = division, Profile = profile, FatReluTau = t,
                }));
            }
        }
        foreach (string profile in profiles)
        {
            IEnumerable<string> divisions = Divisions?.Select(d => DivisionApproximators.Create(d).Name)
                ?? [TargetProfile.FromName(profile).DefaultDivision.Name];
            foreach (string division in Distinct(divisions))
            {
                foreach (bool groupWise in Distinct(GroupWise))
                {
                    foreach (double sparsity in sparsities)
                    {
                        foreach (float tau in taus)
                        {
                            points.AddRange(Percentiles.Distinct().Order().Select(p => new SweepCoordinates
                            {
                                Kind = SweepPointKind.Unit, Percentile = p, Division = division, Profile = profile,
                                GroupWise = groupWise, MagnitudeSparsity = sparsity, FatReluTau = tau,
                                BitShiftStartingShift = division == "bitshift" ? BitShiftStartingShift : null,
                                CalibrateBinaryTree = division == "binarytree" && CalibrateBinaryTree,
                                BiasCorrection = BiasCorrection,
                                SkipCompensation = SkipCompensation,
                                CorrectionSamples = BiasCorrection || SkipCompensation ? CorrectionSamples : null,
                            }));
                        }
                    }
                }
            }
        }
        return points;
    }

    private static void RequireValues<T>(IReadOnlyList<T>? values, string axis)
    {
        if (values is null || values.Count == 0)
        {
            throw new ArgumentException($"The sweep axis {axis} needs at least one value.", axis);
        }
    }

    private static T[] Distinct<T>(IEnumerable<T> values) => values.Distinct().ToArray();
}
