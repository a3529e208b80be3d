using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Spectre.Console;
using UnIT.Cli.Options;
using UnIT.Cli.Output;
using UnIT.ML.Data;
using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Shift;
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
    /// <summary>The thresholds file written into the output folder unless <c>--save-thresholds</c> names a file.</summary>
    public const string DefaultThresholdsFile = "thresholds.json";

    /// <summary>The most shifted copies of each validation image (<see cref="SearchOptions.ValidationShifts"/>).</summary>
    private const int ValidationShiftsMax = 4;

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
        CustomParser = OptionParsers.Number("--max-accuracy-drop", new NumberRange(0, 1)),
    };
    private readonly Option<string> _objective = new("--objective")
    {
        Description = "Maximize MACs skipped (macs) or minimize estimated cycles on the profile (cycles).",
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
    private readonly Option<string?> _division = new("--division")
    {
        Description = $"Division approximator ({string.Join(", ", DivisionApproximators.Names)}). Default: the profile's own.",
        HelpName = "NAME",
        CustomParser = OptionParsers.Name("--division", DivisionApproximators.Names),
    };
    private readonly DivisionSettingOptions _divisionSettings = new();
    private readonly Option<string> _costTable = CostTableOption();
    private readonly Option<bool> _denseWhereCheaper = DenseWhereCheaperOption();
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
        CustomParser = OptionParsers.Number("--confidence-z", new NumberRange(0, 10)),
    };
    private readonly Option<string> _rankBy = new("--rank-by")
    {
        Description = "What the greedy passes rank a move's cost by: the accuracy drop (accuracy), the share of top-1 changes against the dense model (changes), or the drop of the true class's probability (probability). Feasibility is always the accuracy drop.",
        HelpName = "accuracy|changes|probability",
        DefaultValueFactory = _ => "accuracy",
        CustomParser = OptionParsers.Name("--rank-by", ["accuracy", "changes", "probability"]),
    };
    private readonly Option<bool> _selectionMargin = new("--selection-margin")
    {
        Description = "Widen the margin with the states compared: the k-th evaluation needs drop + sqrt(z^2 + 2 ln k) SE <= D, and the answer that at the last evaluation's k.",
    };
    private readonly Option<bool> _crossValidate = new("--cross-validate")
    {
        Description = "Decide on the even validation samples only; answer with the best state that is also within D (same z) on the odd ones.",
    };
    private readonly Option<int> _sensitivitySamples = new("--sensitivity-samples")
    {
        Description = "With --group-allocation sensitivity: calibration samples each output channel's sensitivity is measured on (the graph from its layer on runs them once per channel).",
        HelpName = "N",
        DefaultValueFactory = _ => new SearchOptions().SensitivitySamples,
        CustomParser = OptionParsers.Count("--sensitivity-samples"),
    };
    private readonly CorrectionOptions _corrections = new();
    private readonly Option<int> _validationShifts = new("--validation-shifts")
    {
        Description = "Add this many copies of every validation image moved by one pixel (0-4: right, left, down, up); the drop's standard error then counts an image with its copies once.",
        HelpName = "N",
        DefaultValueFactory = _ => 0,
        CustomParser = OptionParsers.Count("--validation-shifts", minimum: 0),
    };
    private readonly Option<int> _refinements = new("--refinements")
    {
        Description = "How many times the search halves the level spacing around its best state.",
        HelpName = "N",
        DefaultValueFactory = _ => new SearchOptions().Refinements,
        CustomParser = OptionParsers.Count("--refinements", minimum: 0),
    };
    private readonly Option<bool> _trades = new("--trades")
    {
        Description = "After the refinements, trade between layers: raise one layer a level while lowering another, keep the best feasible trade that gains, climb from it, repeat (up to L(L-1) evaluations a round for L layers).",
    };
    private readonly Option<bool> _groupWise = new("--group-wise") { Description = "Calibrate per output channel / neuron at each level." };
    private readonly GroupAllocationOption _groupAllocation = new(
        "With --group-wise: 'percentile' puts every output channel / neuron at the level's percentile; 'error' skips the level's share of each layer's MACs so that every channel / neuron loses the same share of its product mass; 'sensitivity' skips that share with each channel / neuron's threshold ~ 1/sqrt of its measured output sensitivity.");
    private readonly Option<double[]> _sparsities = new("--magnitude-sparsity")
    {
        Description = "Comma-separated magnitude-pruning sparsities (0..1) the search may put under UnIT (see --baseline-share). The saved thresholds record the sparsity chosen, and evaluate, shift and export-c reapply it.",
        HelpName = "S,S,...",
        DefaultValueFactory = _ => [],
        CustomParser = OptionParsers.NumberList("--magnitude-sparsity", new NumberRange(0, 1, MaxExclusive: true)),
    };
    private readonly Option<double[]> _taus = new("--fatrelu")
    {
        Description = "Comma-separated FATReLU taus (>= 0) the search may put under UnIT (see --baseline-share). The saved thresholds record the tau chosen, and evaluate, shift and export-c reapply it.",
        HelpName = "TAU,...",
        DefaultValueFactory = _ => [],
        CustomParser = OptionParsers.NumberList("--fatrelu", NumberRange.AtLeast(0)),
    };
    private readonly Option<double> _baselineShare = new("--baseline-share")
    {
        Description = "Share of D a FATReLU / magnitude baseline alone may spend to have UnIT searched on it.",
        HelpName = "X",
        DefaultValueFactory = _ => new SearchOptions().BaselineShare,
        CustomParser = OptionParsers.Number("--baseline-share", new NumberRange(0, 1, MinExclusive: true)),
    };
    private readonly Option<string?> _saveThresholds = new("--save-thresholds")
    {
        Description = $"Write the thresholds JSON to this file, as evaluate does (default: {DefaultThresholdsFile} in --out).",
        HelpName = "FILE",
    };
    private readonly ReportFolderOptions _report = new("Folder for the thresholds, trace, JSON and PNG files.");

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
        c._divisionSettings.AddTo(command);
        command.Add(c._costTable);
        command.Add(c._denseWhereCheaper);
        command.Add(c._budget);
        command.Add(c._confidenceZ);
        command.Add(c._rankBy);
        command.Add(c._selectionMargin);
        command.Add(c._crossValidate);
        c._corrections.AddTo(command);
        command.Add(c._sensitivitySamples);
        command.Add(c._refinements);
        command.Add(c._trades);
        command.Add(c._validationShifts);
        command.Add(c._groupWise);
        command.Add(c._groupAllocation.Option);
        command.Add(c._sparsities);
        command.Add(c._taus);
        command.Add(c._baselineShare);
        command.Add(c._saveThresholds);
        c._report.AddTo(command);
        command.Validators.Add(r =>
        {
            // Presence only: reading values here would throw on a value that failed to parse.
            if (r.GetResult(c._test.Images) is not null && r.GetResult(c._test.Labels!) is null)
            {
                r.AddError("--images needs --labels: the test set is there to measure accuracy.");
            }
            // Only a valid allocation other than "percentile" is refused here; a bad value gets its own parse error.
            if (r.GetResult(c._groupAllocation.Option) is { Implicit: false, Tokens: [{ } token] }
                && GroupAllocationOption.Names.TryGetValue(token.Value.Trim().ToLowerInvariant(), out GroupAllocation allocation) && allocation != GroupAllocation.SamePercentile
                && r.GetResult(c._groupWise) is null)
            {
                r.AddError("--group-allocation needs --group-wise: it spreads a layer's level over its output channels / neurons.");
            }
            CheckCostTable(r, c._costTable, c._profile);
            CheckDenseWhereCheaper(r, c._denseWhereCheaper, c._objective);
            if (r.GetResult(c._validationShifts) is { Implicit: false, Tokens: [{ } shifts] }
                && int.TryParse(shifts.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int copies) && copies > ValidationShiftsMax)
            {
                r.AddError($"Invalid --validation-shifts '{shifts.Value}': at most {ValidationShiftsMax}, one copy per direction (right, left, down, up).");
            }
        });
        command.SetAction(c.Run);
        return command;
    }

    private int Run(ParseResult result)
    {
        string modelPath = result.GetRequiredValue(_model);
        string outDirectory = result.GetRequiredValue(_report.Out);
        string? thresholdsPath = result.GetValue(_saveThresholds);
        bool force = result.GetValue(_report.Force);
        ModelGraph graph = ModelLoader.Load(modelPath);
        SampleSet calibration = _calibration.Load(result, graph)!;
        SampleSet validation = _validation.Load(result, graph)!;
        SampleSet? test = _test.Load(result, graph);
        HeldOutCheck.Warn(result.InvocationConfiguration.Error, validation, test);
        // Refuse before the long run, not after it. A thresholds path inside --out is one of that folder's files.
        string? thresholdsInFolder = thresholdsPath is null ? DefaultThresholdsFile : FileIn(outDirectory, thresholdsPath);
        using OutputFolder folder = OutputFolder.Prepare(outDirectory, force, thresholdsInFolder is null ? OutputFiles : [thresholdsInFolder, .. OutputFiles]);
        using Output.OutputFiles? elsewhere = thresholdsInFolder is null ? Output.OutputFiles.Claim(force, thresholdsPath) : null;
        string profile = result.GetRequiredValue(_profile);
        string? division = result.GetValue(_division);
        (int? start, bool tree) = _divisionSettings.Read(result,
            [division is null ? TargetProfile.FromName(profile).DefaultDivision.Name : DivisionApproximators.Create(division).Name]);
        var options = new SearchOptions
        {
            MaxAccuracyDrop = result.GetValue(_maxDrop),
            Objective = result.GetRequiredValue(_objective) == "cycles" ? SearchObjective.Cycles : SearchObjective.Macs,
            Profile = profile,
            Division = division,
            BitShiftStartingShift = start,
            CalibrateBinaryTree = tree,
            Budget = result.GetValue(_budget),
            GroupWise = result.GetValue(_groupWise),
            GroupAllocation = _groupAllocation.Read(result),
            ConfidenceZ = result.GetValue(_confidenceZ),
            RankBy = result.GetRequiredValue(_rankBy) switch
            {
                "changes" => SearchDamage.TopChanges,
                "probability" => SearchDamage.ProbabilityDrop,
                _ => SearchDamage.AccuracyDrop,
            },
            SelectionAdjustedMargin = result.GetValue(_selectionMargin),
            CrossValidate = result.GetValue(_crossValidate),
            BiasCorrection = result.GetValue(_corrections.BiasCorrection),
            SkipCompensation = result.GetValue(_corrections.SkipCompensation),
            CorrectionSamples = result.GetValue(_corrections.Samples),
            SensitivitySamples = result.GetValue(_sensitivitySamples),
            Refinements = result.GetValue(_refinements),
            Trades = result.GetValue(_trades),
            ValidationShifts = result.GetValue(_validationShifts),
            MagnitudeSparsities = [0, .. result.GetRequiredValue(_sparsities)],
            FatReluTaus = [0, .. result.GetRequiredValue(_taus).Select(t => (float)t)],
            BaselineShare = result.GetValue(_baselineShare),
            Costs = CostsOf(result.GetRequiredValue(_costTable), TargetProfile.FromName(result.GetRequiredValue(_profile))),
            DenseWhereCheaper = result.GetValue(_denseWhereCheaper),
        };
        IEnumerable<Tensor> batches = calibration.Batches(graph.Input.Shape, result.GetValue(_report.BatchSize));
        // Shifted copies are made of images: digits a model takes flattened are shifted in their own [H, W].
        Tensor images = options.ValidationShifts > 0 ? ImageLayout.ToImages(graph, validation.ToImages(graph.Input.Shape)) : validation.ToTensor(graph.Input.Shape);
        bool json = result.GetValue(_report.Json);
        TextWriter output = result.InvocationConfiguration.Output;
        IAnsiConsole console = Terminal.For(output);

        SearchResult search = ProgressDisplay.Run(console, "search", show: !json, progress => ThresholdSearch.Run(graph, batches, images, validation.Labels!, options, progress));
        if (elsewhere is null)
        {
            folder.WriteText(thresholdsInFolder!, w => w.Write(search.Thresholds.ToJson()));
        }
        else
        {
            elsewhere.WriteText(thresholdsPath!, w => w.Write(search.Thresholds.ToJson()));
        }

        // The test set is touched only now, after the search has chosen.
        SweepPoint? testPoint = null, uniformTest = null;
        if (test is not null)
        {
            SweepPoint[] settings = search.BestUniform is null ? [search.Validation] : [search.Validation, search.BestUniform];
            IReadOnlyList<SweepPoint> measured = Sweep.Evaluate(graph, batches, test.ToTensor(graph.Input.Shape), test.Labels!, settings, options.Costs);
            testPoint = measured[0];
            uniformTest = measured.Count > 1 ? measured[1] : null;
        }
        var report = new SearchReport(search, string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileNameWithoutExtension(modelPath)}, drop <= {100 * options.MaxAccuracyDrop:0.##} pts on {validation.Count:N0} validation samples"),
            testPoint, uniformTest);
        folder.WriteText(OutputFiles[0], w => SearchJsonWriter.Write(report, w));
        folder.WriteText(OutputFiles[1], w => SearchCsvWriter.Write(report, w));
        folder.Write(OutputFiles[2], s => SearchPlotter.WritePng(report, s));
        if (json)
        {
            SearchJsonWriter.Write(report, output);
            return ExitCodes.Success;
        }
        console.Write(SearchTable.Layers(report));
        console.Write(SearchTable.Summary(report));
        console.WriteLine(elsewhere is null
            ? $"Wrote {thresholdsInFolder}, {string.Join(", ", OutputFiles)} to '{folder.Directory}'."
            : $"Wrote {string.Join(", ", OutputFiles)} to '{folder.Directory}' and the thresholds to '{Path.GetFullPath(thresholdsPath!)}'.");
        return ExitCodes.Success;
    }

    /// <summary>The measured tables <c>--cost-table</c> names, each with the profile it was measured for.</summary>
    private static readonly Dictionary<string, (CostTable Table, string Profile)> MeasuredTables = new(StringComparer.Ordinal)
    {
        ["calibrated-swmul"] = (CostTable.Msp430SoftwareMultiply, "msp430"),
        ["calibrated-hwmul"] = (CostTable.Msp430HardwareMultiply, "msp430"),
        ["calibrated-m4"] = (CostTable.CortexM4Instructions, "max78000"),
    };

    /// <summary>The <c>--cost-table</c> option: the profile's own table or one of the tables measured on a target.</summary>
    internal static Option<string> CostTableOption() => new("--cost-table")
    {
        Description = "Cycle costs for the reported cycles, --objective cycles and --dense-where-cheaper: 'profile' (the profile's own table); with the msp430 profile " +
            "the tables measured by mcu-bench, 'calibrated-swmul' (software multiply) or 'calibrated-hwmul' (hardware multiplier); with the max78000 profile " +
            "'calibrated-m4', measured by m4-bench (instructions QEMU counts, not cycles).",
        HelpName = "profile|" + string.Join("|", MeasuredTables.Keys),
        DefaultValueFactory = _ => "profile",
        CustomParser = OptionParsers.Name("--cost-table", ["profile", .. MeasuredTables.Keys]),
    };

    /// <summary>Refuses <c>--dense-where-cheaper</c> without <c>--objective cycles</c>.</summary>
    internal static void CheckDenseWhereCheaper(CommandResult r, Option<bool> denseWhereCheaper, Option<string> objectiveOption)
    {
        if (r.GetResult(denseWhereCheaper) is not null
            && !(r.GetResult(objectiveOption) is { Tokens: [{ } objective] } && objective.Value.Trim().Equals("cycles", StringComparison.OrdinalIgnoreCase)))
        {
            r.AddError("--dense-where-cheaper needs --objective cycles: it saves cycles and gives up the MACs that zero skipping saved.");
        }
    }

    /// <summary>The <c>--dense-where-cheaper</c> option of <c>search</c> and <c>compare</c>.</summary>
    internal static Option<bool> DenseWhereCheaperOption() => new("--dense-where-cheaper")
    {
        Description = "A layer a state leaves at threshold 0 runs by the plain dense loop where the cost table prices it below the UnIT kernel's zero skipping " +
            "(same outputs; no skip tests), so each state is priced as deployed; saved with the thresholds and carried into the exported C. Needs --objective cycles.",
    };

    /// <summary>Refuses a measured table on another profile than the one it was measured for.</summary>
    internal static void CheckCostTable(CommandResult r, Option<string> costTable, Option<string> profileOption)
    {
        if (r.GetResult(costTable) is { Implicit: false, Tokens: [{ } token] } && MeasuredTables.TryGetValue(token.Value.Trim().ToLowerInvariant(), out var measured)
            && !(r.GetResult(profileOption) is { Tokens: [{ } profile] } && profile.Value.Trim().Equals(measured.Profile, StringComparison.OrdinalIgnoreCase)))
        {
            r.AddError($"--cost-table {token.Value.Trim()} needs --profile {measured.Profile}: it was measured on the {measured.Table.Device}.");
        }
    }

    /// <summary>
    /// The table a <c>--cost-table</c> name stands for (null for the profile's own).
    /// </summary>
    /// <exception cref="ArgumentException">The table was measured for another profile than <paramref name="profile"/>.</exception>
    internal static CostTable? CostsOf(string name, TargetProfile profile)
    {
        if (!MeasuredTables.TryGetValue(name, out var measured))
        {
            return null;
        }
        return measured.Profile == profile.Name ? measured.Table : throw new ArgumentException(
            $"--cost-table {name} needs the {measured.Profile} profile (it was measured on the {measured.Table.Device}), not {profile.Name}.");
    }

    /// <summary>
    /// The file name of <paramref name="path"/> when it lies directly in <paramref name="directory"/> (null otherwise).
    /// </summary>
    /// <exception cref="ArgumentException">The path is one of the files the search itself writes there.</exception>
    private static string? FileIn(string directory, string path)
    {
        string full = Path.GetFullPath(path);
        if (!string.Equals(Path.GetDirectoryName(full), Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
        {
            return null;
        }
        string name = Path.GetFileName(full);
        return OutputFiles.Contains(name, StringComparer.Ordinal)
            ? throw new ArgumentException($"--save-thresholds '{path}' is the search's own {name} in --out; give another file.")
            : name;
    }
}
