using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using UnIT.Cli.Options;
using UnIT.Cli.Output;
using UnIT.ML.Data;
using UnIT.ML.Evaluation;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.Cli.Commands;

/// <summary>
/// <c>unit-prune evaluate &lt;model.onnx&gt; --images I --labels L --calibration-images C [...]</c>: calibrates
/// (unless thresholds are given), runs dense and pruned inference over labelled samples and reports
/// accuracy, MACs per layer, estimated cycles and energy.
/// </summary>
internal sealed class EvaluateCommand
{
    private readonly Argument<string> _model = CommonOptions.Model();
    private readonly DataOptions _data = new(role: "Evaluation");
    private readonly DataOptions _calibration = new("calibration", "Calibration", withLabels: false, required: false);
    private readonly PruningOptionGroup _pruning = new();
    private readonly Option<string> _costTable = SearchCommand.CostTableOption();
    private readonly Option<bool> _denseWhereCheaper = new("--dense-where-cheaper")
    {
        Description = "Run each layer whose plain dense loop costs fewer cycles than its UnIT kernel (under --cost-table, counted on the calibration samples) by the dense loop: " +
            "threshold 0, no skip tests; saved with the thresholds and carried into the exported C. A layer with a threshold above 0 turns dense only if the whole model then " +
            "costs less, since its new outputs change what the layers after it skip; corrections are then measured again.",
    };
    private readonly Option<int> _batchSize = CommonOptions.BatchSize();
    private readonly Option<string?> _saveThresholds = new("--save-thresholds") { Description = "Write the thresholds used to this JSON file.", HelpName = "FILE" };
    private readonly Option<string?> _logitsOut = new("--save-logits", "--logits-out") { Description = "Write the pruned run's logits to this JSON file (--logits-out is the older name).", HelpName = "FILE" };
    private readonly Option<bool> _force = CommonOptions.Force();
    private readonly Option<bool> _json = CommonOptions.Json();

    private EvaluateCommand()
    {
    }

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var c = new EvaluateCommand();
        var command = new Command("evaluate", "Calibrate UnIT thresholds, run dense and pruned inference on labelled samples, and report accuracy, MACs, cycles and energy.") { c._model };
        c._data.AddTo(command);
        c._calibration.AddTo(command);
        c._pruning.AddTo(command);
        command.Add(c._costTable);
        command.Add(c._denseWhereCheaper);
        command.Add(c._batchSize);
        command.Add(c._saveThresholds);
        command.Add(c._logitsOut);
        command.Add(c._force);
        command.Add(c._json);
        command.SetAction(c.Run);
        return command;
    }

    private int Run(ParseResult result)
    {
        string modelPath = result.GetRequiredValue(_model);
        ModelGraph graph = ModelLoader.Load(modelPath);
        PruningOptions options = _pruning.Read(result);
        // A measured table on another profile is refused before calibration, which can take minutes.
        CostTable? costs = SearchCommand.CostsOf(result.GetRequiredValue(_costTable), TargetProfile.FromName(options.Profile));
        bool force = result.GetValue(_force);
        string? saveThresholds = result.GetValue(_saveThresholds);
        string? logitsOut = result.GetValue(_logitsOut);
        // Refuse before the long run, not after it.
        using OutputFiles outputs = OutputFiles.Claim(force, saveThresholds, logitsOut);
        SampleSet data = _data.Load(result, graph)!;
        IReadOnlyList<int> labels = data.Labels ?? throw new ArgumentException("evaluate needs --labels for the evaluation images.");
        SampleSet? calibration = _calibration.Load(result, graph);
        // A thresholds file saved for msp430 carries its Q formats, so it needs no calibration data either.
        if (calibration is null && (options.Thresholds is null || (options.Profile == "msp430" && options.Thresholds.Quantization is null)))
        {
            throw new ArgumentException(options.Thresholds is null
                ? "Give --calibration-images or --thresholds FILE: thresholds are calibrated on held-out samples."
                : "Give --calibration-images: the thresholds file has no Q formats (it was not saved for the msp430 profile), and the msp430 profile calibrates them on held-out samples.");
        }
        bool denseWhereCheaper = result.GetValue(_denseWhereCheaper);
        if (denseWhereCheaper && calibration is null)
        {
            throw new ArgumentException("--dense-where-cheaper needs --calibration-images: it counts each layer's MACs on them.");
        }
        int batch = result.GetValue(_batchSize);
        PrunedModel model = PrunedModel.Create(graph, options, calibration?.Batches(graph.Input.Shape, batch));
        if (denseWhereCheaper)
        {
            model = KernelChoice.DenseWhereCheaper(model, costs ?? model.Profile.Costs, calibration!.Batches(graph.Input.Shape, batch).ToArray());
        }
        EvaluationResult evaluation = Evaluator.Evaluate(model, data.ToTensor(graph.Input.Shape), labels, costs: costs);

        if (saveThresholds is not null)
        {
            outputs.WriteText(saveThresholds, w => w.Write(evaluation.Thresholds.ToJson()));
        }
        if (logitsOut is not null)
        {
            outputs.WriteText(logitsOut, w => JsonOutput.Write(w, new { Logits = evaluation.Logits }));
        }
        EvaluationReport report = EvaluationReport.From(graph.Name, evaluation);
        TextWriter output = result.InvocationConfiguration.Output;
        if (result.GetValue(_json))
        {
            JsonOutput.Write(output, report);
        }
        else
        {
            WriteTables(Terminal.For(output), report, data.Source, calibration);
        }
        return ExitCodes.Success;
    }

    private static void WriteTables(IAnsiConsole console, EvaluationReport r, string source, SampleSet? calibration)
    {
        static string P(double v) => (100 * v).ToString("F2", CultureInfo.InvariantCulture) + "%";
        static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
        ThresholdSet t = r.Thresholds;
        string how = t.Method == "percentile"
            ? string.Create(CultureInfo.InvariantCulture, $"percentile {t.Percentile} on {t.CalibrationSamples} samples ({calibration?.Source})")
            : t.Method;
        string baselines = string.Concat(
            t.MagnitudeSparsity is double s ? string.Create(CultureInfo.InvariantCulture, $", on magnitude sparsity {s}") : "",
            t.FatRelu is { Count: > 0 } taus ? string.Create(CultureInfo.InvariantCulture, $", on FATReLU {string.Join(", ", taus.Select(f => $"{f.Key}={f.Value}"))}") : "");
        console.WriteLine($"Model '{r.Model}' on {r.Samples} samples from '{source}'; profile {r.Profile}, division {r.Division}; thresholds: {how}{(t.GroupWise ? ", group-wise" : "")}{baselines}.");
        var layers = new Table().AddColumns("layer", "threshold", "MACs", "skipped (zero)", "skipped (threshold)", "executed", "cycles/inference");
        foreach (EvaluationReport.Layer l in r.Layers)
        {
            string threshold = t.RunsDenseLoop(l.Name) ? "dense loop"
                : l.Threshold.Length == 1 ? l.Threshold[0].ToString("G6", CultureInfo.InvariantCulture) : $"{l.Threshold.Length} groups";
            layers.AddRow(l.Name, threshold, N(l.Total), P((double)l.SkippedZero / l.Total), P((double)l.SkippedThreshold / l.Total), P((double)l.Executed / l.Total), N(l.Cycles));
        }
        if (r.OtherNodes.Count > 0)
        {
            // A table that prices the other nodes adds them to both figures; say which ops it could not price.
            string[] unpriced = [.. r.OtherNodes.Where(n => !n.Priced).Select(n => n.Op).Distinct()];
            string note = unpriced.Length == 0 ? "" : $"; unpriced: {string.Join(", ", unpriced)}";
            layers.AddRow(Markup.Escape($"other nodes ({r.OtherNodes.Count}{note})"), "", "", "", "", "", N(r.OtherNodes.Sum(n => n.Cycles)));
        }
        layers.AddRow("[bold]total[/]", "", N(r.Macs.Total), P((double)r.Macs.SkippedZero / r.Macs.Total), P((double)r.Macs.SkippedThreshold / r.Macs.Total), P((double)r.Macs.Executed / r.Macs.Total), N(r.Cycles.Pruned));
        console.Write(layers);
        var summary = new Table().AddColumns("", "dense", "pruned");
        summary.AddRow("accuracy", P(r.DenseAccuracy), P(r.Accuracy));
        if (r.QuantizedDenseAccuracy is { } q)
        {
            summary.AddRow("accuracy, fixed point without pruning", "", P(q));
        }
        summary.AddRow("macro F1", P(r.DenseF1Macro), P(r.F1Macro));
        summary.AddRow("MACs skipped", "", P(r.SkippedFraction));
        if (r.Macs.Compensated > 0)
        {
            summary.AddRow("MACs skipped with a compensation add", "", P((double)r.Macs.Compensated / r.Macs.Total));
        }
        summary.AddRow($"threshold computations per inference ({r.Division})", "", N(r.ThresholdComputationsPerInference));
        if (r.Division == "binarytree")
        {
            summary.AddRow("average search depth", "", r.AverageSearchDepth.ToString("F2", CultureInfo.InvariantCulture));
        }
        summary.AddRow($"estimated cycles per inference ({r.Profile})", N(r.Cycles.Dense), N(r.Cycles.Pruned));
        summary.AddRow("estimated energy per inference (µJ)", r.EnergyUj.Dense.ToString("F2", CultureInfo.InvariantCulture), r.EnergyUj.Pruned.ToString("F2", CultureInfo.InvariantCulture));
        summary.AddRow("host wall time (ms, all samples)", r.WallMs.Dense.ToString("F0", CultureInfo.InvariantCulture), r.WallMs.Pruned.ToString("F0", CultureInfo.InvariantCulture));
        console.Write(summary);
        // The paired standard error counts only the samples whose correctness changed (docs/search.md).
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Accuracy drop: {100 * r.AccuracyDrop:F2} ± {100 * r.AccuracyDropStandardError:F2} points ({r.SamplesLost} samples lost, {r.SamplesGained} gained against dense); estimated speed-up {r.Speedup:F2}x."));
    }
}
