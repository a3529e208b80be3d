using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Spectre.Console;
using UnIT.Cli.Options;
using UnIT.Cli.Output;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Sweeps;
using UnIT.ML.Targets;
using UnIT.Reports;

namespace UnIT.Cli.Commands;

/// <summary>
/// <c>unit-prune compare &lt;model.onnx&gt; --calibration-images C --validation-images V --validation-labels VL
/// --images T --labels TL --out DIR [...]</c>: UnIT (single percentile, per-layer and group-wise search), FATReLU,
/// magnitude pruning and their combinations at equal accuracy limits, each setting chosen on validation and then
/// measured on the test set; writes compare.csv, compare.json, compare.png and each row's thresholds into DIR.
/// </summary>
internal sealed class CompareCommand
{
    /// <summary>The files a comparison writes into its output folder.</summary>
    public static readonly string[] OutputFiles = ["compare.json", "compare.csv", "compare.png"];

    private static readonly Dictionary<string, ComparisonMethod> MethodNames = new(StringComparer.Ordinal)
    {
        ["percentile"] = ComparisonMethod.SinglePercentile,
        ["fatrelu"] = ComparisonMethod.FatRelu,
        ["magnitude"] = ComparisonMethod.Magnitude,
        ["layer-search"] = ComparisonMethod.LayerSearch,
        ["group-search"] = ComparisonMethod.GroupSearch,
        ["combined"] = ComparisonMethod.Combined,
    };

    private readonly Argument<string> _model = CommonOptions.Model();
    private readonly DataOptions _calibration = new("calibration", "Calibration", withLabels: false);
    private readonly DataOptions _validation = new("validation", "Validation");
    private readonly DataOptions _test = new(role: "Test");
    private readonly Option<double[]> _drops = new("--max-accuracy-drops")
    {
        Description = "Comma-separated accuracy limits D on the validation set, as fractions (0.01 is one point).",
        HelpName = "D,D,...",
        DefaultValueFactory = _ => [.. new ComparisonOptions().MaxAccuracyDrops],
        CustomParser = result =>
        {
            double[] limits = OptionParsers.NumberList("--max-accuracy-drops", new NumberRange(0, 1))(result);
            // Two limits this close would write their rows' thresholds into one file.
            if (limits.GroupBy(LimitName).FirstOrDefault(g => g.Count() > 1) is { } same)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture,
                    $"--max-accuracy-drops {string.Join(" and ", same)} differ by less than a millionth of a point; give each limit once."));
            }
            return limits;
        },
    };
    private readonly Option<string[]> _methods = new("--methods")
    {
        Description = $"Comma-separated methods ({string.Join(", ", MethodNames.Keys)}). Default: all.",
        HelpName = "NAME,...",
        DefaultValueFactory = _ => [.. MethodNames.Keys],
        CustomParser = OptionParsers.NameList("--methods", [.. MethodNames.Keys]),
    };
    private readonly Option<double[]> _percentiles = new("--percentiles")
    {
        Description = "Comma-separated single percentiles for the 'percentile' method.",
        HelpName = "P,P,...",
        DefaultValueFactory = _ => [.. new ComparisonOptions().Percentiles],
        CustomParser = OptionParsers.NumberList("--percentiles", new NumberRange(0, 100)),
    };
    private readonly Option<double[]> _taus = new("--fatrelu")
    {
        Description = "Comma-separated FATReLU taus for 'fatrelu', also offered to 'combined'.",
        HelpName = "TAU,...",
        DefaultValueFactory = _ => [.. new ComparisonOptions().FatReluTaus.Select(t => (double)(decimal)t)],
        CustomParser = OptionParsers.NumberList("--fatrelu", NumberRange.AtLeast(0)),
    };
    private readonly Option<double[]> _sparsities = new("--magnitude-sparsity")
    {
        Description = "Comma-separated magnitude-pruning sparsities for 'magnitude', also offered to 'combined'.",
        HelpName = "S,S,...",
        DefaultValueFactory = _ => [.. new ComparisonOptions().MagnitudeSparsities],
        CustomParser = OptionParsers.NumberList("--magnitude-sparsity", new NumberRange(0, 1, MaxExclusive: true)),
    };
    private readonly Option<int> _refinementSteps = new("--refine-steps")
    {
        Description = "Validation runs per limit that 'percentile', 'fatrelu' and 'magnitude' may spend past their grid's largest value while it fits, and again bisecting toward where D is crossed (0: the grid alone).",
        HelpName = "N",
        DefaultValueFactory = _ => new ComparisonOptions().RefinementSteps,
        CustomParser = OptionParsers.Count("--refine-steps", minimum: 0),
    };
    private readonly Option<string> _objective = new("--objective")
    {
        Description = "What every method maximizes under D: MACs skipped (macs) or estimated speed-up on the profile (cycles).",
        HelpName = "macs|cycles",
        DefaultValueFactory = _ => "macs",
        CustomParser = OptionParsers.Name("--objective", ["macs", "cycles"]),
    };
    private readonly Option<string> _profile = new("--profile")
    {
        Description = $"Target profile ({string.Join(", ", TargetProfile.Names)}).",
        HelpName = "NAME",
        DefaultValueFactory = _ => TargetProfile.DefaultName,
        CustomParser = OptionParsers.Name("--profile", TargetProfile.Names),
    };
    private readonly Option<string> _costTable = SearchCommand.CostTableOption();
    private readonly Option<bool> _denseWhereCheaper = SearchCommand.DenseWhereCheaperOption();
    private readonly Option<int> _budget = new("--budget")
    {
        Description = "Most validation evaluations of each search (the combined search gets twice as many, plus one per FATReLU / magnitude combination it tries alone).",
        HelpName = "N",
        DefaultValueFactory = _ => new ComparisonOptions().Search.Budget,
        CustomParser = OptionParsers.Count("--budget"),
    };
    private readonly Option<double> _confidenceZ = new("--confidence-z")
    {
        Description = "Standard errors of the measured drop that must also fit under D, for every method.",
        HelpName = "Z",
        DefaultValueFactory = _ => new SearchOptions().ConfidenceZ,
        CustomParser = OptionParsers.Number("--confidence-z", new NumberRange(0, 10)),
    };
    private readonly Option<bool> _trades = new("--trades")
    {
        Description = "The three searches (layer-search, group-search, combined) end with trades between layers (see search --trades).",
    };
    private readonly GroupAllocationOption _groupAllocation =
        new("How 'group-search' spreads a layer's level over its output channels / neurons (percentile, error or sensitivity; see search).");
    private readonly CorrectionOptions _corrections = new(" Here: the three searches (layer-search, group-search, combined).");
    private readonly ReportFolderOptions _report = new("Folder for compare.json, compare.csv, compare.png and the thresholds of every row with a setting (thresholds-METHOD-Dpt.json).");

    private CompareCommand()
    {
        _validation.Labels!.Required = true;
        _test.Labels!.Required = true;
    }

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var c = new CompareCommand();
        var command = new Command("compare", "Compare UnIT (single percentile, per-layer and group-wise search), FATReLU, magnitude pruning and combinations at equal accuracy limits: chosen on validation, measured on test.") { c._model };
        c._calibration.AddTo(command);
        c._validation.AddTo(command);
        c._test.AddTo(command);
        foreach (Option option in new Option[] { c._drops, c._methods, c._percentiles, c._taus, c._sparsities, c._refinementSteps, c._objective, c._profile, c._costTable,
            c._denseWhereCheaper, c._budget, c._confidenceZ, c._trades, c._groupAllocation.Option })
        {
            command.Add(option);
        }
        c._corrections.AddTo(command);
        c._report.AddTo(command);
        command.Validators.Add(r => SearchCommand.CheckCostTable(r, c._costTable, c._profile));
        command.Validators.Add(r => SearchCommand.CheckDenseWhereCheaper(r, c._denseWhereCheaper, c._objective));
        command.Validators.Add(c.CheckOptionsReachAMethod);
        command.SetAction(c.Run);
        return command;
    }

    /// <summary>
    /// Refuses an option that none of the chosen methods reads (e.g. <c>--skip-compensation</c> with <c>--methods
    /// percentile</c>): it would change nothing, and the report would look as if it had been applied.
    /// </summary>
    private void CheckOptionsReachAMethod(CommandResult r)
    {
        if (r.GetResult(_methods) is not { Implicit: false } given)
        {
            return;
        }
        string[] chosen = given.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.TrimEntries)).Select(n => n.ToLowerInvariant()).ToArray();
        if (!chosen.All(MethodNames.ContainsKey))
        {
            return; // The parser reports the unknown name.
        }
        string[] searches = ["layer-search", "group-search", "combined"];
        var readers = new (Option Option, string[] Methods)[]
        {
            (_percentiles, ["percentile"]),
            (_taus, ["fatrelu", "combined"]),
            (_sparsities, ["magnitude", "combined"]),
            (_refinementSteps, ["percentile", "fatrelu", "magnitude"]),
            (_budget, searches),
            (_trades, searches),
            (_groupAllocation.Option, ["group-search"]),
            (_corrections.BiasCorrection, searches),
            (_corrections.SkipCompensation, searches),
            (_corrections.Samples, searches),
        };
        foreach ((Option option, string[] methods) in readers.Where(o => r.GetResult(o.Option) is { Implicit: false } && !o.Methods.Any(chosen.Contains)))
        {
            r.AddError($"{option.Name} is read by --methods {string.Join(", ", methods)} only, and none of them was chosen.");
        }
    }

    private int Run(ParseResult result)
    {
        string modelPath = result.GetRequiredValue(_model);
        ModelGraph graph = ModelLoader.Load(modelPath);
        SampleSet calibration = _calibration.Load(result, graph)!;
        SampleSet validation = _validation.Load(result, graph)!;
        SampleSet test = _test.Load(result, graph)!;
        HeldOutCheck.Warn(result.InvocationConfiguration.Error, validation, test);
        var options = new ComparisonOptions
        {
            MaxAccuracyDrops = result.GetRequiredValue(_drops),
            Methods = result.GetRequiredValue(_methods).Select(n => MethodNames[n]).ToArray(),
            Percentiles = result.GetRequiredValue(_percentiles),
            FatReluTaus = result.GetRequiredValue(_taus).Select(t => (float)t).ToArray(),
            MagnitudeSparsities = result.GetRequiredValue(_sparsities),
            RefinementSteps = result.GetValue(_refinementSteps),
            Search = new SearchOptions
            {
                Objective = result.GetRequiredValue(_objective) == "cycles" ? SearchObjective.Cycles : SearchObjective.Macs,
                Profile = result.GetRequiredValue(_profile),
                Costs = SearchCommand.CostsOf(result.GetRequiredValue(_costTable), TargetProfile.FromName(result.GetRequiredValue(_profile))),
                DenseWhereCheaper = result.GetValue(_denseWhereCheaper),
                Budget = result.GetValue(_budget),
                ConfidenceZ = result.GetValue(_confidenceZ),
                GroupAllocation = _groupAllocation.Read(result),
                Trades = result.GetValue(_trades),
                BiasCorrection = result.GetValue(_corrections.BiasCorrection),
                SkipCompensation = result.GetValue(_corrections.SkipCompensation),
                CorrectionSamples = result.GetValue(_corrections.Samples),
            },
        };
        string[] thresholdsFiles = [.. options.Methods.Distinct().SelectMany(m => options.MaxAccuracyDrops.Distinct().Select(d => ThresholdsFile(m, d)))];
        using OutputFolder folder = OutputFolder.Prepare(result.GetRequiredValue(_report.Out), result.GetValue(_report.Force), [.. OutputFiles, .. thresholdsFiles]);
        IEnumerable<Tensor> batches = calibration.Batches(graph.Input.Shape, result.GetValue(_report.BatchSize));
        Tensor validationImages = validation.ToTensor(graph.Input.Shape);
        Tensor testImages = test.ToTensor(graph.Input.Shape);
        bool json = result.GetValue(_report.Json);
        TextWriter output = result.InvocationConfiguration.Output;
        IAnsiConsole console = Terminal.For(output);
        ComparisonResult comparison = ProgressDisplay.Run(console, "compare", show: !json, progress => Comparison.Run(graph, batches, validationImages, validation.Labels!, testImages, test.Labels!, options, progress));
        string title = string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileNameWithoutExtension(modelPath)}, {validation.Count:N0} validation / {test.Count:N0} test samples");
        folder.WriteText(OutputFiles[0], w => TitledJsonWriter.Write(comparison, title, w));
        folder.WriteText(OutputFiles[1], w => ComparisonCsvWriter.Write(comparison, w));
        folder.Write(OutputFiles[2], s => ComparisonPlotter.WritePng(comparison, title, s));
        foreach (ComparisonRow row in comparison.Rows)
        {
            // Each chosen setting as a thresholds file, for evaluate, shift, export-c and the device benches.
            string file = ThresholdsFile(row.Method, row.MaxAccuracyDrop);
            if (row.Validation is { } chosen)
            {
                folder.WriteText(file, w => w.Write(chosen.Thresholds.ToJson()));
            }
            else
            {
                folder.Remove(file);
            }
        }
        if (json)
        {
            TitledJsonWriter.Write(comparison, title, output);
            return ExitCodes.Success;
        }
        console.Write(ComparisonTable.Build(comparison, title));
        int written = comparison.Rows.Count(r => r.Validation is not null);
        console.WriteLine($"Wrote {string.Join(", ", OutputFiles)} and {written} thresholds files (thresholds-METHOD-Dpt.json, one per row with a setting) to '{folder.Directory}'.");
        return ExitCodes.Success;
    }

    /// <summary>The thresholds file of a method's setting under limit D: "thresholds-layer-search-1pt.json".</summary>
    public static string ThresholdsFile(ComparisonMethod method, double limit) =>
        $"thresholds-{MethodNames.Single(kv => kv.Value == method).Key}-{LimitName(limit)}.json";

    /// <summary>A limit in points to a millionth, as file names carry it: "0.5pt".</summary>
    private static string LimitName(double limit) => string.Create(CultureInfo.InvariantCulture, $"{100 * limit:0.######}pt");
}
