using System.CommandLine;
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
/// <c>unit-prune search &lt;model.onnx&gt; --calibration-images C --validation-images V --validation-labels VL
/// --max-accuracy-drop D --out DIR [...]</c>: searches per-layer thresholds that skip the most MACs (or cycles)
/// within an accuracy drop of D on the validation set, writes them and the search trace into DIR, and only then
/// reports on the held-out test set (<c>--images/--labels</c>) when given.
/// </summary>
internal sealed class SearchCommand
{
    /// <summary>The thresholds file written into the output folder unless <c>--save-thresholds</c> names another.</summary>
    public const string DefaultThresholdsFile = "thresholds.json";

    /// <summary>The other files a search writes into its output folder.</summary>
    public static readonly string[] OutputFiles = ["search.json", "search-trace.csv", "search.png"];

    private readonly Argument<string> _model = CommonOptions.Model();
    private readonly DataOptions _calibration = new("calibration", "Calibration", withLabels: false);
    private readonly DataOptions _validation = new("validation", "Validation");
    private readonly DataOptions _test = new(role: "Test", required: false);
    private readonly Option<double> _maxDrop = new("--max-accuracy-drop")
    {
        Description = "Largest accepted accuracy drop on the validation set, as a fraction (0.01 is one point).",
        HelpName = "D",
        Required = true,
    };
    private readonly Option<string> _objective = new Option<string>("--objective")
    {
        Description = "Maximize MACs skipped (macs) or minimize estimated cycles on the profile (cycles).",
        HelpName = "macs|cycles",
        DefaultValueFactory = _ => "macs",
    }.AcceptOnlyFromAmong("macs", "cycles");
    private readonly Option<string> _profile = new Option<string>("--profile")
    {
        Description = $"Target profile ({string.Join(", ", TargetProfile.Names)}).",
        HelpName = "NAME",
        DefaultValueFactory = _ => "float32",
    }.AcceptOnlyFromAmong([.. TargetProfile.Names]);
    private readonly Option<string?> _division = new Option<string?>("--division")
    {
        Description = $"Division approximator ({string.Join(", ", DivisionApproximators.Names)}). Default: the profile's own.",
        HelpName = "NAME",
    }.AcceptOnlyFromAmong([.. DivisionApproximators.Names]);
    private readonly Option<int> _budget = new("--budget")
    {
        Description = "Most evaluations of the validation set.",
        HelpName = "N",
        DefaultValueFactory = _ => new SearchOptions().Budget,
        CustomParser = OptionParsers.Count("--budget"),
    };
    private readonly Option<double> _confidenceZ = new("--confidence-z")
    {
        Description = "Standard errors of the measured drop that must also fit under D (0: the measured drop alone).",
        HelpName = "Z",
        DefaultValueFactory = _ => new SearchOptions().ConfidenceZ,
    };
    private readonly Option<bool> _groupWise = new("--group-wise") { Description = "Calibrate per output channel / neuron at each level." };
    private readonly Option<string?> _saveThresholds = new("--save-thresholds")
    {
        Description = $"File name, in --out, for the thresholds JSON (default {DefaultThresholdsFile}).",
        HelpName = "FILE",
    };
    private readonly Option<string> _out = new("--out") { Description = "Folder for the thresholds, trace, JSON and PNG files.", HelpName = "DIR", Required = true };
    private readonly Option<bool> _force = CommonOptions.Force();
    private readonly Option<int> _batchSize = CommonOptions.BatchSize();
    private readonly Option<bool> _json = CommonOptions.Json();

    private SearchCommand()
    {
        _validation.Labels!.Required = true;
    }

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var c = new SearchCommand();
        var command = new Command("search", "Search per-layer thresholds that skip the most MACs (or cycles) within an accuracy drop on a validation set; then report on a test set.") { c._model };
        c._calibration.AddTo(command);
        c._validation.AddTo(command);
        c._test.AddTo(command);
        command.Add(c._maxDrop);
        command.Add(c._objective);
        command.Add(c._profile);
        command.Add(c._division);
        command.Add(c._budget);
        command.Add(c._confidenceZ);
        command.Add(c._groupWise);
        command.Add(c._saveThresholds);
        command.Add(c._out);
        command.Add(c._force);
        command.Add(c._batchSize);
        command.Add(c._json);
        command.Validators.Add(r =>
        {
            if (r.GetValue(c._test.Images) is not null && r.GetValue(c._test.Labels!) is null)
            {
                r.AddError("--images needs --labels: the test set is there to measure accuracy.");
            }
            if (r.GetValue(c._saveThresholds) is { } file && Path.GetFileName(file) != file)
            {
                r.AddError($"--save-thresholds takes a file name, not a path ('{file}'); the file is written into --out.");
            }
            if (r.GetValue(c._maxDrop) is < 0 or > 1)
            {
                r.AddError("--max-accuracy-drop must be between 0 and 1 (0.01 is one point).");
            }
            if (!(r.GetValue(c._confidenceZ) is >= 0 and <= 10))
            {
                r.AddError("--confidence-z must be between 0 and 10.");
            }
        });
        command.SetAction(c.Run);
        return command;
    }

    private int Run(ParseResult result)
    {
        string modelPath = result.GetRequiredValue(_model);
        string thresholdsFile = result.GetValue(_saveThresholds) ?? DefaultThresholdsFile;
        ModelGraph graph = ModelLoader.Load(modelPath);
        SampleSet calibration = _calibration.Load(result, graph)!;
        SampleSet validation = _validation.Load(result, graph)!;
        SampleSet? test = _test.Load(result, graph);
        // Refuse before the long run, not after it.
        OutputFolder folder = OutputFolder.Prepare(result.GetRequiredValue(_out), result.GetValue(_force), [thresholdsFile, .. OutputFiles]);
        var options = new SearchOptions
        {
            MaxAccuracyDrop = result.GetValue(_maxDrop),
            Objective = result.GetRequiredValue(_objective) == "cycles" ? SearchObjective.Cycles : SearchObjective.Macs,
            Profile = result.GetRequiredValue(_profile),
            Division = result.GetValue(_division),
            Budget = result.GetValue(_budget),
            GroupWise = result.GetValue(_groupWise),
            ConfidenceZ = result.GetValue(_confidenceZ),
        };
        IEnumerable<Tensor> batches = calibration.Batches(graph.Input.Shape, result.GetValue(_batchSize));
        Tensor images = validation.ToTensor(graph.Input.Shape);
        bool json = result.GetValue(_json);
        TextWriter output = result.InvocationConfiguration.Output;
        IAnsiConsole console = Terminal.For(output);

        SearchResult search = json
            ? ThresholdSearch.Run(graph, batches, images, validation.Labels!, options)
            : ProgressDisplay.Run(console, "search", progress => ThresholdSearch.Run(graph, batches, images, validation.Labels!, options, progress));
        search.Thresholds.Save(folder.PathOf(thresholdsFile));

        // The test set is touched only now, after the search has chosen.
        SweepPoint? testPoint = null, uniformTest = null;
        if (test is not null)
        {
            SweepPoint[] settings = search.BestUniform is null ? [search.Validation] : [search.Validation, search.BestUniform];
            IReadOnlyList<SweepPoint> measured = Sweep.Evaluate(graph, batches, test.ToTensor(graph.Input.Shape), test.Labels!, settings);
            testPoint = measured[0];
            uniformTest = measured.Count > 1 ? measured[1] : null;
        }
        var report = new SearchReport(search, string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileNameWithoutExtension(modelPath)}, drop <= {100 * options.MaxAccuracyDrop:0.##} pts on {validation.Count:N0} validation samples"),
            testPoint, uniformTest);
        SearchJsonWriter.Save(report, folder.PathOf(OutputFiles[0]));
        SearchCsvWriter.Save(report, folder.PathOf(OutputFiles[1]));
        SearchPlotter.SavePng(report, folder.PathOf(OutputFiles[2]));
        if (json)
        {
            SearchJsonWriter.Write(report, output);
            return ExitCodes.Success;
        }
        console.Write(SearchTable.Layers(report));
        console.Write(SearchTable.Summary(report));
        console.WriteLine($"Wrote {thresholdsFile}, {string.Join(", ", OutputFiles)} to '{folder.Directory}'.");
        return ExitCodes.Success;
    }
}
