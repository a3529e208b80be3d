using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Spectre.Console;
using UnIT.Cli.Options;
using UnIT.Cli.Output;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Shift;
using UnIT.ML.Targets;
using UnIT.Reports;

namespace UnIT.Cli.Commands;

/// <summary>
/// <c>unit-prune shift &lt;model.onnx&gt; --calibration-images C --images T --labels TL --out DIR [...]</c>: UnIT calibrated on
/// clean data against magnitude pruning at the same MACs skipped, on reproducibly shifted copies of the test set;
/// writes shift.csv, shift.json and shift.png into DIR.
/// </summary>
internal sealed class ShiftCommand
{
    /// <summary>The files written into the output folder.</summary>
    public static readonly string[] OutputFiles = ["shift.csv", "shift.json", "shift.png"];

    private static readonly Dictionary<string, ShiftKind> KindNames = new(StringComparer.Ordinal)
    {
        ["rotation"] = ShiftKind.Rotation,
        ["noise"] = ShiftKind.GaussianNoise,
        ["brightness"] = ShiftKind.Brightness,
        ["contrast"] = ShiftKind.Contrast,
        ["occlusion"] = ShiftKind.Occlusion,
    };

    private readonly Argument<string> _model = CommonOptions.Model();
    private readonly DataOptions _calibration = new("calibration", "Calibration", withLabels: false);
    private readonly DataOptions _test = new(role: "Test");
    private readonly Option<double> _percentile = new("--percentile")
    {
        Description = "UnIT calibration percentile for every layer, calibrated on the clean calibration data.",
        HelpName = "P",
        DefaultValueFactory = _ => new ShiftOptions().Percentile,
        CustomParser = OptionParsers.Number("--percentile", new NumberRange(0, 100)),
    };
    private readonly Option<string?> _thresholds = new("--thresholds")
    {
        Description = "Use the UnIT thresholds in this JSON file (from search or --save-thresholds, with their division and corrections) instead of calibrating --percentile; the profile defaults to the file's.",
        HelpName = "FILE.json",
    };
    private readonly Option<string?> _trainTimePruned = new("--train-time-pruned")
    {
        Description = "Also run this ONNX model of the same task, pruned (and fine-tuned) in training, e.g. models/fashion_mnist_cnn_ttp70.onnx: as it is, and with UnIT on top at --train-time-percentile (calibrated on the same clean data), as the paper's domain-shift table does.",
        HelpName = "MODEL.onnx",
    };
    private readonly Option<double?> _trainTimePercentile = new("--train-time-percentile")
    {
        Description = "UnIT percentile on top of the --train-time-pruned model. Default: --percentile.",
        HelpName = "P",
        CustomParser = OptionParsers.OptionalNumber("--train-time-percentile", new NumberRange(0, 100)),
    };
    private readonly Option<ShiftRequest[]> _shifts = new("--shifts")
    {
        Description = $"Comma-separated shifts ({string.Join(", ", KindNames.Keys)}), each at three strengths unless NAME=S/S/... gives its own: rotation 10/20/30 degrees, noise sigma 0.1/0.2/0.3 and brightness +0.1/0.2/0.3 (fractions of the pixel range), contrast reduction 0.3/0.5/0.7, occlusion square side 0.2/0.3/0.4 of the height. Default: all.",
        HelpName = "NAME[=S/S/...],...",
        CustomParser = ParseShifts,
    };
    private readonly Option<PixelRange> _pixelRange = new("--pixel-range")
    {
        Description = "The values the test images' pixels span, black:white, e.g. 0:255 for raw bytes. Rotation and occlusion fill with black, noise and brightness clip to the range and scale with its width.",
        HelpName = "MIN:MAX",
        DefaultValueFactory = _ => PixelRange.Unit,
        CustomParser = ParsePixelRange,
    };
    private readonly Option<int> _seed = new("--seed")
    {
        Description = "Seed of the shifts' random draws (a whole number >= 0).",
        HelpName = "N",
        DefaultValueFactory = _ => new ShiftOptions().Seed,
        CustomParser = OptionParsers.Count("--seed", minimum: 0),
    };
    private readonly Option<string?> _profile = new("--profile")
    {
        Description = $"Target profile ({string.Join(", ", TargetProfile.Names)}). Default: the thresholds file's, else float32.",
        HelpName = "NAME",
        CustomParser = OptionParsers.Name("--profile", TargetProfile.Names),
    };
    private readonly ReportFolderOptions _report = new("Folder for shift.csv, shift.json and shift.png.");

    private ShiftCommand()
    {
        _test.Labels!.Required = true;
    }

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var c = new ShiftCommand();
        var command = new Command("shift", "UnIT calibrated on clean data against magnitude pruning at the same MACs skipped, on rotated, noisy, brightened, low-contrast and occluded copies of the test set.") { c._model };
        c._calibration.AddTo(command);
        c._test.AddTo(command);
        foreach (Option option in new Option[] { c._percentile, c._thresholds, c._trainTimePruned, c._trainTimePercentile, c._shifts, c._pixelRange, c._seed, c._profile })
        {
            command.Add(option);
        }
        command.Validators.Add(r =>
        {
            if (r.GetResult(c._percentile) is { Implicit: false } && r.GetResult(c._thresholds) is not null)
            {
                r.AddError("Give either --percentile or --thresholds, not both.");
            }
            if (r.GetResult(c._trainTimePercentile) is not null && r.GetResult(c._trainTimePruned) is null)
            {
                r.AddError("--train-time-percentile needs --train-time-pruned.");
            }
        });
        c._report.AddTo(command);
        command.SetAction(c.Run);
        return command;
    }

    private int Run(ParseResult result)
    {
        string modelPath = result.GetRequiredValue(_model);
        ModelGraph graph = ModelLoader.Load(modelPath);
        SampleSet calibration = _calibration.Load(result, graph)!;
        SampleSet test = _test.Load(result, graph)!;
        ThresholdSet? thresholds = result.GetValue(_thresholds) is { } file ? ThresholdSet.Load(file) : null;
        // Unset, the option reads as no shifts at all: all of them at their default strengths.
        ShiftRequest[] shifts = result.GetValue(_shifts) is { Length: > 0 } given ? given : [.. KindNames.Values.Select(k => new ShiftRequest(k, null))];
        var options = new ShiftOptions
        {
            Percentile = result.GetValue(_percentile),
            Thresholds = thresholds,
            Kinds = [.. shifts.Select(r => r.Kind)],
            Strengths = shifts.Where(r => r.Strengths is not null).ToDictionary(r => r.Kind, r => (IReadOnlyList<double>)r.Strengths!),
            PixelRange = result.GetValue(_pixelRange),
            Seed = result.GetValue(_seed),
            TrainTimePruned = result.GetValue(_trainTimePruned) is { } pruned ? ModelLoader.Load(pruned) : null,
            TrainTimePercentile = result.GetValue(_trainTimePercentile),
            Profile = result.GetValue(_profile) ?? thresholds?.Profile ?? TargetProfile.DefaultName,
        };
        options.Validate(graph);
        if (thresholds is null || options.TrainTimePruned is not null)
        {
            // Thresholds calibrated here on the test samples would make the clean row's pruned accuracy not held out.
            HeldOutCheck.Warn(result.InvocationConfiguration.Error, calibration, test, "calibration");
        }
        IEnumerable<Tensor> batches = calibration.Batches(graph.Input.Shape, result.GetValue(_report.BatchSize));
        // Checked in the file's own order, so the position named is the value's place in its sample.
        Tensor samples = test.ToImages(graph.Input.Shape);
        if (ImageShift.PixelProblem(samples, result.GetValue(_test.Range)?.Start ?? 0, options.PixelRange) is { } problem)
        {
            throw new DatasetException($"'{test.Source}': {problem}");
        }
        Tensor images = ImageLayout.ToImages(graph, samples);
        using OutputFolder folder = OutputFolder.Prepare(result.GetRequiredValue(_report.Out), result.GetValue(_report.Force), OutputFiles);
        bool json = result.GetValue(_report.Json);
        TextWriter output = result.InvocationConfiguration.Output;
        IAnsiConsole console = Terminal.For(output);
        ShiftResult shift = ProgressDisplay.Run(console, "shift", show: !json, progress => ShiftComparison.Run(graph, batches, images, test.Labels!, options, progress));
        string title = string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileNameWithoutExtension(modelPath)} under domain shift, {test.Count:N0} test samples");
        folder.WriteText(OutputFiles[0], w => ShiftCsvWriter.Write(shift, w));
        folder.WriteText(OutputFiles[1], w => TitledJsonWriter.Write(shift, title, w));
        folder.Write(OutputFiles[2], s => ShiftPlotter.WritePng(shift, title, s));
        if (json)
        {
            TitledJsonWriter.Write(shift, title, output);
            return ExitCodes.Success;
        }
        console.Write(ShiftTable.Build(shift, title));
        console.WriteLine($"Wrote {string.Join(", ", OutputFiles)} to '{folder.Directory}'.");
        return ExitCodes.Success;
    }

    /// <summary>
    /// Parses NAME or NAME=S/S/... items (strengths in the kind's unit, each checked against its range). A kind named
    /// twice the same way runs once; named twice with different strengths, it is an error.
    /// </summary>
    private static ShiftRequest[] ParseShifts(ArgumentResult result)
    {
        var requests = new List<ShiftRequest>();
        foreach (string item in OptionParsers.Items(result, "--shifts"))
        {
            string[] parts = item.Split('=', 2, StringSplitOptions.TrimEntries);
            if (!KindNames.TryGetValue(parts[0].ToLowerInvariant(), out ShiftKind kind))
            {
                result.AddError($"Invalid --shifts value '{item}': expected one or more of {string.Join(", ", KindNames.Keys)}, each alone or as NAME=S/S/..., separated by commas.");
                return [];
            }
            double[]? strengths = parts.Length == 2 ? StrengthsOf(result, item, kind, parts[1]) : null;
            if (parts.Length == 2 && strengths is null)
            {
                return [];
            }
            if (requests.FirstOrDefault(r => r.Kind == kind) is { } earlier)
            {
                if (!SameStrengths(earlier.Strengths, strengths))
                {
                    result.AddError($"Invalid --shifts value '{item}': {parts[0]} is already given with other strengths; name each shift once.");
                    return [];
                }
                continue;
            }
            requests.Add(new ShiftRequest(kind, strengths));
        }
        return [.. requests];
    }

    private static double[]? StrengthsOf(ArgumentResult result, string item, ShiftKind kind, string text)
    {
        var strengths = new List<double>();
        foreach (string part in text.Split('/', StringSplitOptions.TrimEntries))
        {
            if (!OptionParsers.TryParse(part, NumberRange.AtLeast(0), out double strength))
            {
                result.AddError($"Invalid --shifts value '{item}': '{part}' is not a number >= 0; give strengths separated by '/' ('.' is the decimal point).");
                return null;
            }
            if (ImageShift.StrengthProblem(kind, strength) is { } problem)
            {
                result.AddError($"Invalid --shifts value '{item}': {problem}");
                return null;
            }
            if (strengths.Contains(strength))
            {
                result.AddError($"Invalid --shifts value '{item}': the strength {part} is given twice.");
                return null;
            }
            strengths.Add(strength);
        }
        return [.. strengths];
    }

    /// <summary>Parses MIN:MAX, two numbers finite as floats with MIN below MAX.</summary>
    private static PixelRange ParsePixelRange(ArgumentResult result)
    {
        var floats = new NumberRange(float.MinValue, float.MaxValue);
        string text = result.Tokens.Single().Value;
        string[] parts = text.Split(':', StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && OptionParsers.TryParse(parts[0], floats, out double min) && OptionParsers.TryParse(parts[1], floats, out double max)
            && new PixelRange((float)min, (float)max) is var range && range.Problem() is null)
        {
            return range;
        }
        result.AddError($"Invalid --pixel-range '{text}': expected MIN:MAX, two numbers with MIN below MAX, e.g. 0:1 or 0:255 ('.' is the decimal point).");
        return PixelRange.Unit;
    }

    private static bool SameStrengths(double[]? a, double[]? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);

    /// <summary>One shift asked for on the command line, with its own strengths or null for the defaults.</summary>
    private sealed record ShiftRequest(ShiftKind Kind, double[]? Strengths);
}
