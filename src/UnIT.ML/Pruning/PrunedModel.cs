using System.Globalization;
using UnIT.ML.Division;
using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Targets;

namespace UnIT.ML.Pruning;

/// <summary>
/// A model ready for UnIT inference: the graph (after any magnitude-pruning baseline), its calibrated
/// or given thresholds, the target profile, the division approximator, and the engines that run it.
/// Immutable and thread-safe.
/// </summary>
public sealed class PrunedModel
{
    // The graph after the baselines and before any bias correction, so other thresholds bring their own corrections.
    private readonly ModelGraph _uncorrected;

    private PrunedModel(ModelGraph original, ModelGraph graph, PruningOptions options, TargetProfile profile,
        IDivisionApproximator division, ThresholdSet thresholds, IReadOnlyDictionary<string, float> fatRelu)
    {
        OriginalGraph = original;
        _uncorrected = graph;
        Graph = Correct(graph, thresholds);
        Options = options;
        Profile = profile;
        Division = division;
        Thresholds = thresholds;
        FatReluThresholds = fatRelu;
        Configuration = new PruningConfiguration
        {
            Thresholds = thresholds,
            Division = division,
            Numerics = profile.Numerics,
            Quantization = thresholds.Quantization,
            FatReluThresholds = fatRelu,
        };
        Engine = new InferenceEngine(Graph, Configuration);
    }

    /// <summary>The graph as given.</summary>
    public ModelGraph OriginalGraph { get; }

    /// <summary>
    /// The graph that runs: <see cref="OriginalGraph"/> after the magnitude-pruning baseline, if any, with the
    /// thresholds' bias corrections added to the biases.
    /// </summary>
    public ModelGraph Graph { get; }

    /// <summary>The options this model was made with.</summary>
    public PruningOptions Options { get; }

    /// <summary>The target profile (numerics and cost table).</summary>
    public TargetProfile Profile { get; }

    /// <summary>The division approximator in use.</summary>
    public IDivisionApproximator Division { get; }

    /// <summary>The thresholds in use, with the record of how they were made (and the Q formats for fixed point).</summary>
    public ThresholdSet Thresholds { get; }

    /// <summary>FATReLU taus in use (Relu node name to tau); empty when the baseline is off.</summary>
    public IReadOnlyDictionary<string, float> FatReluThresholds { get; }

    /// <summary>The engine configuration.</summary>
    public PruningConfiguration Configuration { get; }

    /// <summary>The pruned engine.</summary>
    public InferenceEngine Engine { get; }

    /// <summary>
    /// Builds the pruned model: applies the baselines, calibrates thresholds (unless given) and, for
    /// fixed-point profiles, Q formats. <paramref name="calibration"/> is enumerated twice and may be
    /// null only when thresholds are given and the profile is float.
    /// </summary>
    public static PrunedModel Create(ModelGraph graph, PruningOptions options, IEnumerable<Tensor>? calibration)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(options);
        if (options.CorrectionSamples < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.CorrectionSamples, "CorrectionSamples must be at least 1 (null: every calibration sample).");
        }
        TargetProfile profile = TargetProfile.FromName(options.Profile);
        bool fixedPoint = profile.Numerics == NumericFormat.FixedPoint16;
        CheckMadeFor(graph, options.Thresholds);
        options = WithSavedBaselines(graph, options);
        ModelGraph pruned = MagnitudePruning.Apply(graph, options.MagnitudeSparsity);
        Dictionary<string, float> fatRelu = FatReluFor(graph, options);
        ThresholdSet thresholds;
        if (options.Thresholds is { } given)
        {
            QuantizationPlan? plan = given.Quantization;
            if (fixedPoint && plan is null)
            {
                plan = Calibrator.CalibrateQuantization(pruned, calibration ?? throw new ArgumentException(
                    $"Profile '{profile.Name}' needs calibration samples to choose its fixed-point Q formats.", nameof(calibration)));
            }
            thresholds = given with { Quantization = plan };
        }
        else
        {
            ArgumentNullException.ThrowIfNull(calibration, nameof(calibration));
            // Fixed point calibrates on the integer products the device computes, in Q formats chosen first.
            thresholds = Calibrator.Calibrate(pruned, calibration, new CalibrationOptions
            {
                Percentile = options.Percentile,
                LayerPercentiles = options.LayerPercentiles,
                GroupWise = options.GroupWise,
                FatReluThresholds = fatRelu,
                FixedPoint = fixedPoint ? Calibrator.CalibrateQuantization(pruned, calibration) : null,
            });
        }
        thresholds.Validate(pruned, fixedPoint);
        DivisionSettings settings = DivisionFor(options, profile, options.Thresholds?.DivisionSettings, pruned,
            calibration, fixedPoint ? thresholds.Quantization : null);
        IDivisionApproximator division = settings.Create();
        thresholds = thresholds with
        {
            Division = division.Name,
            DivisionSettings = settings,
            Profile = profile.Name,
            Model = graph.Name,
            ModelFingerprint = graph.WeightsFingerprint,
            Quantization = fixedPoint ? thresholds.Quantization : null,
            MagnitudeSparsity = options.MagnitudeSparsity > 0 ? options.MagnitudeSparsity : null,
            FatRelu = fatRelu.Count > 0 ? new Dictionary<string, float>(fatRelu, StringComparer.Ordinal) : null,
        };
        var model = new PrunedModel(graph, pruned, options, profile, division, thresholds, fatRelu);
        bool correct = options.BiasCorrection || thresholds.BiasCorrections is not null;
        IEnumerable<Tensor>? corrections = options.CorrectionSamples is int samples && calibration is not null
            ? CalibrationBatches.First(calibration, samples)
            : calibration;
        if (options.SkipCompensation && thresholds.SkipCompensations is null)
        {
            // Corrections measured without the compensations would be stale: they are measured again below when asked for.
            PrunedModel uncorrected = thresholds.BiasCorrections is null ? model : model.WithThresholds(thresholds with { BiasCorrections = null });
            model = model.WithThresholds(thresholds with
            {
                SkipCompensations = SkipCompensation.Compute(uncorrected, corrections ?? throw new ArgumentException(
                    "Skip compensation needs calibration samples (or thresholds saved with their compensations).", nameof(calibration))),
                BiasCorrections = null,
            });
            thresholds = model.Thresholds;
        }
        if (correct && thresholds.BiasCorrections is null)
        {
            model = model.WithThresholds(thresholds with
            {
                BiasCorrections = BiasCorrection.Compute(model, corrections ?? throw new ArgumentException(
                    "Bias correction needs calibration samples (or thresholds saved with their corrections).", nameof(calibration))),
            });
        }
        return model;
    }

    /// <summary>
    /// The division the options ask for: their name, else the one the given thresholds were made for,
    /// else the profile's; parameters from the options, else from the given thresholds when the names agree.
    /// </summary>
    private static DivisionSettings DivisionFor(PruningOptions options, TargetProfile profile, DivisionSettings? saved,
        ModelGraph graph, IEnumerable<Tensor>? calibration, QuantizationPlan? plan)
    {
        string name = (options.Division is { } chosen ? DivisionApproximators.Create(chosen) : null)?.Name
            ?? saved?.Name ?? profile.DefaultDivision.Name;
        DivisionSettings inherited = saved is not null && saved.Name == name ? saved : new DivisionSettings { Name = name };
        if (options.BitShiftStartingShift is int start)
        {
            if (name != "bitshift")
            {
                throw new ArgumentException($"BitShiftStartingShift ({start}) applies to the bitshift division, but the division is '{name}'.", nameof(options));
            }
            return new DivisionSettings { Name = name, StartingShift = start };
        }
        if (!options.CalibrateBinaryTree)
        {
            return inherited;
        }
        if (name != "binarytree")
        {
            throw new ArgumentException($"CalibrateBinaryTree applies to the binarytree division, but the division is '{name}'.", nameof(options));
        }
        if (inherited.PivotWeights is not null && inherited.IntegerPivots == plan is not null)
        {
            return inherited;
        }
        Dictionary<int, long> weights = ControlTermExponents.Collect(graph, calibration ?? throw new ArgumentException(
            "CalibrateBinaryTree needs calibration samples (or thresholds saved with calibrated pivots).", nameof(calibration)), plan);
        return new DivisionSettings { Name = name, PivotWeights = weights, IntegerPivots = plan is not null };
    }

    /// <summary>The same model with other thresholds (calibration, baselines and Q formats kept).</summary>
    public PrunedModel WithThresholds(ThresholdSet thresholds) =>
        new(OriginalGraph, _uncorrected, Options with { Thresholds = thresholds }, Profile, Division, InThisSetting(thresholds), FatReluThresholds);

    /// <summary>
    /// The model as given, dense: no FATReLU or magnitude-pruning baseline, no bias corrections, every threshold 0, on the
    /// same profile and Q formats. The reference a speed-up is taken against, as the accuracy drop is, also when this
    /// model runs on a baseline (whose own zeros would otherwise make the "dense" build cheaper where a multiply's cost
    /// depends on its operands, as the MSP430's software multiply does).
    /// </summary>
    public PrunedModel DenseAsGiven() =>
        new(OriginalGraph, OriginalGraph, Options with
        {
            Thresholds = null,
            MagnitudeSparsity = 0,
            FatReluTau = 0,
            FatReluThresholds = null,
            BiasCorrection = false,
            SkipCompensation = false,
        }, Profile, Division, InThisSetting(ThresholdSet.Zero(OriginalGraph)), new Dictionary<string, float>(StringComparer.Ordinal));

    /// <summary>Other thresholds recorded with this model's division, its settings, profile and Q formats.</summary>
    private ThresholdSet InThisSetting(ThresholdSet thresholds) => thresholds with
    {
        Division = Division.Name,
        DivisionSettings = Thresholds.DivisionSettings,
        Profile = Profile.Name,
        Quantization = Thresholds.Quantization,
    };

    private static ModelGraph Correct(ModelGraph graph, ThresholdSet thresholds)
    {
        Dictionary<string, float[]>? corrections = thresholds.BiasCorrections;
        if (corrections is null || corrections.Count == 0)
        {
            return graph;
        }
        // Checked before use, so a correction that does not fit is named as one, not as a bias of the wrong length.
        thresholds.Validate(graph, fixedPoint: false);
        return graph.WithLayers(graph.PrunableLayers.Where(l => corrections.ContainsKey(l.Name)).Select(l =>
        {
            float[] c = corrections[l.Name];
            return l.WithBias(c.Select((v, i) => (l.Bias?[i] ?? 0f) + v).ToArray());
        }));
    }

    /// <summary>Refuses thresholds recorded for another model's weights: layer names alone match across many exports.</summary>
    private static void CheckMadeFor(ModelGraph graph, ThresholdSet? thresholds)
    {
        if (thresholds?.ModelFingerprint is { } recorded && recorded != graph.WeightsFingerprint)
        {
            throw new ArgumentException(
                $"The thresholds were made for {(thresholds.Model is { } name ? $"model '{name}'" : "another model")} (weights fingerprint {recorded}), " +
                $"not for model '{graph.Name}' (weights fingerprint {graph.WeightsFingerprint}): thresholds hold only for the weights they were " +
                "calibrated on; calibrate them on this model.", nameof(thresholds));
        }
    }

    /// <summary>
    /// <paramref name="options"/> with the baselines saved thresholds were made on (<see cref="ThresholdSet.MagnitudeSparsity"/>,
    /// <see cref="ThresholdSet.FatRelu"/>) where the options set none, so a search's thresholds run as they were searched.
    /// </summary>
    /// <exception cref="ArgumentException">The options ask for another baseline than the saved one.</exception>
    private static PruningOptions WithSavedBaselines(ModelGraph graph, PruningOptions options)
    {
        if (options.Thresholds is not { } saved)
        {
            return options;
        }
        if (saved.MagnitudeSparsity is double sparsity && sparsity != options.MagnitudeSparsity)
        {
            if (options.MagnitudeSparsity != 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"The thresholds were made on magnitude sparsity {sparsity}, not {options.MagnitudeSparsity}; leave the sparsity unset to use theirs."), nameof(options));
            }
            options = options with { MagnitudeSparsity = sparsity };
        }
        if (saved.FatRelu is { Count: > 0 } taus)
        {
            Dictionary<string, float> asked = FatReluFor(graph, options);
            if (asked.Count == 0)
            {
                return options with { FatReluThresholds = taus };
            }
            if (asked.Count != taus.Count || taus.Any(t => !asked.TryGetValue(t.Key, out float tau) || tau != t.Value))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"The thresholds were made on FATReLU taus {string.Join(", ", taus.Select(t => $"{t.Key}={t.Value}"))}, not the ones asked for; leave FATReLU unset to use theirs."), nameof(options));
            }
        }
        return options;
    }

    private static Dictionary<string, float> FatReluFor(ModelGraph graph, PruningOptions options)
    {
        if (!(options.FatReluTau >= 0) || float.IsInfinity(options.FatReluTau))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FatReluTau, "FATReLU tau must be finite and >= 0.");
        }
        var taus = new Dictionary<string, float>(StringComparer.Ordinal);
        string[] relus = graph.Nodes.OfType<ActivationNode>().Where(a => a.Kind == ActivationKind.Relu).Select(a => a.Name).ToArray();
        if (options.FatReluTau > 0)
        {
            foreach (string relu in relus)
            {
                taus[relu] = options.FatReluTau;
            }
        }
        foreach ((string name, float tau) in options.FatReluThresholds ?? new Dictionary<string, float>())
        {
            if (!relus.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException($"FATReLU node '{name}' is not a Relu of model '{graph.Name}'.", nameof(options));
            }
            if (!(tau >= 0) || float.IsInfinity(tau))
            {
                throw new ArgumentOutOfRangeException(nameof(options), tau, $"FATReLU tau of '{name}' must be finite and >= 0.");
            }
            taus[name] = tau;
        }
        return taus;
    }
}
