using System.CommandLine;
using UnIT.ML.Division;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.Cli.Options;

/// <summary>
/// The pruning dial shared by <c>evaluate</c> and <c>fit</c>: percentile or threshold file, group-wise,
/// division approximator, target profile and the two baselines. Create one instance per command.
/// </summary>
internal sealed class PruningOptionGroup
{
    /// <summary><c>--percentile</c>.</summary>
    public Option<double?> Percentile { get; } = new("--percentile")
    {
        Description = "Calibrate each layer's threshold at this nearest-rank percentile (0..100) of nonzero |x*w|. Default 50.",
        HelpName = "P",
        CustomParser = OptionParsers.OptionalNumber("--percentile", new NumberRange(0, 100)),
    };

    /// <summary><c>--thresholds</c>.</summary>
    public Option<string?> Thresholds { get; } = new("--thresholds")
    {
        Description = "Use the thresholds in this JSON file (from --save-thresholds or search) instead of calibrating.",
        HelpName = "FILE.json",
    };

    /// <summary><c>--group-wise</c>.</summary>
    public Option<bool> GroupWise { get; } = new("--group-wise") { Description = "One threshold per output channel (conv) or neuron (fully connected)." };

    /// <summary><c>--division</c>.</summary>
    public Option<string?> Division { get; } = new("--division")
    {
        Description = "Approximation of T/|C|: exact, bitshift, binarytree or bitmask. Default: the profile's own.",
        HelpName = "NAME",
        CustomParser = OptionParsers.Name("--division", DivisionApproximators.Names),
    };

    /// <summary>
    /// Whether an unset <c>--profile</c> takes the thresholds file's, so a search's thresholds run on the target they were
    /// made for; commands bound to one target turn it off.
    /// </summary>
    public bool ProfileFollowsThresholds { get; init; } = true;

    /// <summary><c>--profile</c>.</summary>
    public Option<string> Profile { get; } = new("--profile")
    {
        Description = "Target profile: float32 (host), max78000 (float, BitMask) or msp430 (int16 fixed point, BitShift). Default: the --thresholds file's, else float32.",
        HelpName = "NAME",
        CustomParser = OptionParsers.Name("--profile", TargetProfile.Names),
    };

    /// <summary><c>--magnitude-sparsity</c>.</summary>
    public Option<double> MagnitudeSparsity { get; } = new("--magnitude-sparsity")
    {
        Description = "Baseline: zero this fraction (0..1) of the smallest weights globally before UnIT.",
        HelpName = "S",
        CustomParser = OptionParsers.Number("--magnitude-sparsity", new NumberRange(0, 1, MaxExclusive: true)),
    };

    /// <summary><c>--fatrelu</c>.</summary>
    public Option<float> FatRelu { get; } = new("--fatrelu")
    {
        Description = "Baseline: FATReLU, Relu outputs <= TAU become 0.",
        HelpName = "TAU",
        CustomParser = OptionParsers.Float("--fatrelu", NumberRange.AtLeast(0)),
    };

    /// <summary><c>--bias-correction</c> and <c>--skip-compensation</c>.</summary>
    public CorrectionOptions Corrections { get; } = new();

    /// <summary><c>--bitshift-start</c> and <c>--calibrate-binarytree</c>.</summary>
    public DivisionSettingOptions DivisionSettings { get; } = new();

    /// <summary>Adds the options to <paramref name="command"/>, with a check that --percentile and --thresholds are not both given.</summary>
    public void AddTo(Command command)
    {
        command.Add(Percentile);
        command.Add(Thresholds);
        command.Add(GroupWise);
        command.Add(Division);
        command.Add(Profile);
        command.Add(MagnitudeSparsity);
        command.Add(FatRelu);
        Corrections.AddTo(command);
        DivisionSettings.AddTo(command);
        command.Validators.Add(r =>
        {
            // Presence only: reading values here would throw on a value that failed to parse.
            if (r.GetResult(Percentile) is not null && r.GetResult(Thresholds) is not null)
            {
                r.AddError("Give either --percentile or --thresholds, not both.");
            }
        });
    }

    /// <summary>The options the user chose (names and ranges were checked while parsing).</summary>
    public PruningOptions Read(ParseResult result)
    {
        string? division = result.GetValue(Division);
        string? file = result.GetValue(Thresholds);
        ThresholdSet? thresholds = file is null ? null : ThresholdSet.Load(file);
        string profile = ProfileFollowsThresholds && result.GetResult(Profile) is not { Implicit: false } && thresholds?.Profile is { } saved
            ? saved
            : result.GetValue(Profile) ?? TargetProfile.DefaultName;
        // Checked here to name the command-line options; the library checks again with the saved thresholds' division.
        string? effective = division ?? (file is null ? TargetProfile.FromName(profile).DefaultDivision.Name : null);
        (int? start, bool tree) = DivisionSettings.Read(result, effective is null ? null : [effective]);
        return new PruningOptions
        {
            Percentile = result.GetValue(Percentile) ?? 50,
            Thresholds = thresholds,
            GroupWise = result.GetValue(GroupWise),
            Division = division,
            Profile = profile,
            MagnitudeSparsity = result.GetValue(MagnitudeSparsity),
            FatReluTau = result.GetValue(FatRelu),
            BitShiftStartingShift = start,
            CalibrateBinaryTree = tree,
            BiasCorrection = result.GetValue(Corrections.BiasCorrection),
            SkipCompensation = result.GetValue(Corrections.SkipCompensation),
            CorrectionSamples = result.GetValue(Corrections.Samples),
        };
    }
}
