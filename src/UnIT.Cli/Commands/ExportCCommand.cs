using System.CommandLine;
using System.Globalization;
using UnIT.Cli.Options;
using UnIT.Cli.Output;
using UnIT.Export;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.Cli.Commands;

/// <summary>
/// <c>unit-prune export-c &lt;model.onnx&gt; --thresholds T.json --profile msp430|max78000 --out DIR [--dense]</c>:
/// writes self-contained C99 for the whole model (see docs/deployment.md) and reports its memory.
/// </summary>
internal sealed class ExportCCommand
{
    private readonly Argument<string> _model = CommonOptions.Model();
    private readonly DataOptions _calibration = new("calibration", "Calibration", withLabels: false, required: false);
    private readonly PruningOptionGroup _pruning = new();
    private readonly Option<string> _out = new("--out") { Description = "Folder to write unit_model.h, unit_model_data.h and unit_model.c to.", HelpName = "DIR", Required = true };
    private readonly Option<bool> _dense = new("--dense") { Description = "Generate the dense variant (every MAC runs) from the same generator, for like-for-like comparisons." };
    private readonly Option<bool> _force = CommonOptions.Force();
    private readonly Option<bool> _json = CommonOptions.Json();

    private ExportCCommand()
    {
    }

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var c = new ExportCCommand();
        var command = new Command("export-c", "Generate self-contained C99 for the whole model with its UnIT thresholds (msp430: int16 fixed point; max78000: float32).") { c._model };
        c._calibration.AddTo(command);
        c._pruning.AddTo(command);
        command.Add(c._out);
        command.Add(c._dense);
        command.Add(c._force);
        command.Add(c._json);
        command.SetAction(c.Run);
        return command;
    }

    /// <summary>The model with its thresholds, as evaluate makes it: calibration samples are needed unless the thresholds carry everything.</summary>
    internal static PrunedModel Prepare(ModelGraph graph, PruningOptions options, SampleSet? calibration)
    {
        if (calibration is null && options.Thresholds is null)
        {
            throw new ArgumentException("Give --thresholds FILE (saved by evaluate or search for this profile) or --calibration-images to calibrate them.");
        }
        if (calibration is null && options.Profile == "msp430" && options.Thresholds!.Quantization is null)
        {
            throw new ArgumentException($"The thresholds were saved for profile '{options.Thresholds.Profile ?? TargetProfile.DefaultName}' and carry no int16 Q formats, " +
                "which msp430 needs: give --calibration-images to choose them, or thresholds saved with --profile msp430.");
        }
        return PrunedModel.Create(graph, options, calibration?.Batches(graph.Input.Shape, CommonOptions.DefaultBatchSize));
    }

    private int Run(ParseResult result)
    {
        ModelGraph graph = ModelLoader.Load(result.GetRequiredValue(_model));
        PruningOptions options = _pruning.Read(result);
        if (options.Profile == TargetProfile.Float32.Name)
        {
            throw new ArgumentException("export-c generates code for a device: give --profile msp430 (int16 fixed point) or max78000 (float32).");
        }
        PrunedModel model = Prepare(graph, options, _calibration.Load(result, graph));
        CExportResult export = CExporter.Export(model, new CExportOptions { Dense = result.GetValue(_dense) });
        string dir = result.GetRequiredValue(_out);
        export.WriteTo(dir, result.GetValue(_force));
        TextWriter output = result.InvocationConfiguration.Output;
        if (result.GetValue(_json))
        {
            JsonOutput.Write(output, new
            {
                export.Model,
                export.Profile,
                export.Dense,
                Files = export.Files.Keys.Select(f => Path.Combine(dir, f)).ToArray(),
                export.ConstantBytes,
                export.ArenaBytes,
                export.ScratchBytes,
                export.RamBytes,
            });
            return ExitCodes.Success;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Wrote {string.Join(", ", export.Files.Keys)} to '{dir}': model '{export.Model}', profile {export.Profile}, {(export.Dense ? "dense" : "UnIT-pruned")}, division {model.Division.Name}."));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Constants {export.ConstantBytes:N0} B; static RAM {export.RamBytes:N0} B (activation arena {export.ArenaBytes:N0} B, scratch {export.ScratchBytes:N0} B: {export.AccumulatorBytes:N0} B of accumulators, sorted lists and their starts). Code bytes depend on the compiler: see {(export.Profile == "msp430" ? "mcu-bench" : "m4-bench")}."));
        return ExitCodes.Success;
    }
}
