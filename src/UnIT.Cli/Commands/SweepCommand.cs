using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using UnIT.Cli.Options;
using UnIT.Cli.Output;
using UnIT.ML.Data;
using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Sweeps;
using UnIT.ML.Targets;
using UnIT.Reports;

namespace UnIT.Cli.Commands;

/// <summary>
/// <c>unit-prune sweep &lt;model.onnx&gt; --calibration-images C --validation-images V --validation-labels VL --out DIR [...]</c>:
/// evaluates a grid of percentiles (and approximators, profiles, group-wise, baselines) on a validation set and
/// writes sweep.csv, sweep.json and two PNG plots (accuracy vs MACs skipped, accuracy vs cycles) into DIR.
/// </summary>
internal sealed class SweepCommand
{
    /// <summary>The files a sweep writes into its output folder.</summary>
    public static readonly string[] OutputFiles = ["sweep.csv", "sweep.json", "sweep-accuracy-vs-macs.png", "sweep-accuracy-vs-cycles.png"];

    private readonly Argument<string> _model = CommonOptions.Model();
    private readonly DataOptions _calibration = new("calibration", "Calibration", withLabels: false);
    private readonly DataOptions _validation = new("validation", "Validation");
    private readonly Option<double[]> _percentiles = new("--percentiles")
    {
        Description = "Comma-separated calibration percentiles (0..100), each applied to every layer.",
        HelpName = "P,P,...",
        DefaultValueFactory = _ => [10, 20, 30, 40, 50, 60, 70, 80, 90],
        CustomParser = OptionParsers.NumberList("--percentiles", new NumberRange(0, 100)),
    };
    private readonly Option<string[]?> _divisions = new("--divisions")
    {
        Description = $"Comma-separated division approximators ({string.Join(", ", DivisionApproximators.Names)}). Default: each profile's own.",
        HelpName = "NAME,...",
        CustomParser = OptionParsers.NameList("--divisions", DivisionApproximators.Names),
    };
    private readonly DivisionSettingOptions _divisionSettings = new();
    private readonly Option<string[]> _profiles = new("--profiles")
    {
        Description = $"Comma-separated target profiles ({string.Join(", ", TargetProfile.Names)}).",
        HelpName = "NAME,...",
        DefaultValueFactory = _ => [TargetProfile.DefaultName],
        CustomParser = OptionParsers.NameList("--profiles", TargetProfile.Names),
    };
    private readonly Option<string> _groupWise = new("--group-wise")
    {
        Description = "Per-layer thresholds (off), per output channel / neuron (on), or both.",
        HelpName = "both|on|off",
        DefaultValueFactory = _ => "off",
        CustomParser = OptionParsers.Name("--group-wise", ["both", "on", "off"]),
    };
    private readonly Option<double[]> _sparsities = new("--magnitude-sparsity")
    {
        Description = "Comma-separated magnitude-pruning sparsities (0..1): each adds a baseline point and UnIT on top of it.",
        HelpName = "S,S,...",
        DefaultValueFactory = _ => [],
        CustomParser = OptionParsers.NumberList("--magnitude-sparsity", new NumberRange(0, 1, MaxExclusive: true)),
    };
    private readonly Option<double[]> _taus = new("--fatrelu")
    {
        Description = "Comma-separated FATReLU taus (>= 0): each adds a baseline point and UnIT on top of it.",
        HelpName = "TAU,...",
        DefaultValueFactory = _ => [],
        CustomParser = OptionParsers.NumberList("--fatrelu", NumberRange.AtLeast(0)),
    };
    private readonly CorrectionOptions _corrections = new(" Here: every UnIT point, for its own thresholds.");
    private readonly ReportFolderOptions _report = new("Folder for the CSV, JSON and PNG files.");

    private SweepCommand()
    {
        _validation.Labels!.Required = true;
    }

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var c = new SweepCommand();
        var command = new Command("sweep", "Evaluate a grid of UnIT settings and baselines on a validation set; write CSV, JSON and accuracy-vs-MACs/cycles plots.") { c._model };
        c._calibration.AddTo(command);
        c._validation.AddTo(command);
        command.Add(c._percentiles);
        command.Add(c._divisions);
        c._divisionSettings.AddTo(command);
        command.Add(c._profiles);
        command.Add(c._groupWise);
        command.Add(c._sparsities);
        command.Add(c._taus);
        c._corrections.AddTo(command);
        c._report.AddTo(command);
        command.SetAction(c.Run);
        return command;
    }

    private int Run(ParseResult result)
    {
        string modelPath = result.GetRequiredValue(_model);
        ModelGraph graph = ModelLoader.Load(modelPath);
        SampleSet calibration = _calibration.Load(result, graph)!;
        SampleSet validation = _validation.Load(result, graph)!;
        // Refuse before the long run, not after it.
        using OutputFolder folder = OutputFolder.Prepare(result.GetRequiredValue(_report.Out), result.GetValue(_report.Force), OutputFiles);
        string groupWise = result.GetRequiredValue(_groupWise);
        string[] profiles = result.GetRequiredValue(_profiles);
        string[]? divisions = result.GetValue(_divisions) is { Length: > 0 } given ? given : null;
        (int? start, bool tree) = _divisionSettings.Read(result,
            (divisions?.Select(d => DivisionApproximators.Create(d).Name) ?? profiles.Select(p => TargetProfile.FromName(p).DefaultDivision.Name)).ToArray());
        var grid = new SweepGrid
        {
            Percentiles = result.GetRequiredValue(_percentiles),
            Divisions = divisions,
            Profiles = profiles,
            BitShiftStartingShift = start,
            CalibrateBinaryTree = tree,
            GroupWise = groupWise switch { "both" => [false, true], "on" => [true], _ => [false] },
            // Plain UnIT (0) is always swept; the values given add baselines and combinations.
            MagnitudeSparsities = [0, .. result.GetRequiredValue(_sparsities)],
            FatReluTaus = [0, .. result.GetRequiredValue(_taus).Select(t => (float)t)],
            BiasCorrection = result.GetValue(_corrections.BiasCorrection),
            SkipCompensation = result.GetValue(_corrections.SkipCompensation),
            CorrectionSamples = result.GetValue(_corrections.Samples),
        };
        IEnumerable<Tensor> batches = calibration.Batches(graph.Input.Shape, result.GetValue(_report.BatchSize));
        Tensor images = validation.ToTensor(graph.Input.Shape);
        bool json = result.GetValue(_report.Json);
        TextWriter output = result.InvocationConfiguration.Output;
        IAnsiConsole console = Terminal.For(output);

        var clock = Stopwatch.StartNew();
        IReadOnlyList<SweepPoint> points = ProgressDisplay.Run(console, "sweep", show: !json, progress => Sweep.Run(graph, batches, images, validation.Labels!, grid, progress));
        clock.Stop();

        var report = new SweepReport(points, string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileNameWithoutExtension(modelPath)}, {validation.Count:N0} validation samples"));
        folder.WriteText(OutputFiles[0], w => SweepCsvWriter.Write(report, w));
        folder.WriteText(OutputFiles[1], w => SweepJsonWriter.Write(report, w));
        folder.Write(OutputFiles[2], s => SweepPlotter.WritePng(report, s, ParetoObjective.SkippedFraction));
        folder.Write(OutputFiles[3], s => SweepPlotter.WritePng(report, s, ParetoObjective.Cycles));
        if (json)
        {
            SweepJsonWriter.Write(report, output);
            return ExitCodes.Success;
        }
        console.Write(SweepTable.Build(report));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{points.Count} points on {validation.Count:N0} samples from '{validation.Source}', calibrated on {calibration.Count:N0} from '{calibration.Source}', in {clock.Elapsed.TotalSeconds:F1} s."));
        console.WriteLine($"Wrote {string.Join(", ", OutputFiles)} to '{folder.Directory}'.");
        return ExitCodes.Success;
    }
}
