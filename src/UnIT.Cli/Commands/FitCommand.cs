using System.CommandLine;
using System.Globalization;
using Microsoft.ML;
using UnIT.Cli.Options;
using UnIT.Cli.Output;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.MLNet;
using UnIT.ML.Pruning;
using UnIT.Onnx.MLNet;

namespace UnIT.Cli.Commands;

/// <summary>
/// <c>unit-prune fit &lt;model.onnx&gt; --calibration-images C [...] --save-model model.zip</c>: fits the ML.NET
/// UnIT pipeline (calibration happens in <c>Fit</c>) and saves it with <c>mlContext.Model.Save</c>.
/// </summary>
internal sealed class FitCommand
{
    private readonly Argument<string> _model = CommonOptions.Model();
    private readonly DataOptions _calibration = new("calibration", "Calibration", withLabels: false);
    private readonly PruningOptionGroup _pruning = new();
    private readonly Option<string> _save = new("--save-model", "--save") { Description = "Write the fitted ML.NET model (.zip) to this file (--save is the shorter name).", HelpName = "model.zip", Required = true };
    private readonly Option<bool> _force = CommonOptions.Force();

    private FitCommand()
    {
    }

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var c = new FitCommand();
        var command = new Command("fit", "Fit the ML.NET UnIT transformer (calibrating thresholds) and save it as an ML.NET model zip.") { c._model };
        c._calibration.AddTo(command);
        c._pruning.AddTo(command);
        command.Add(c._save);
        command.Add(c._force);
        command.SetAction(c.Run);
        return command;
    }

    private int Run(ParseResult result)
    {
        string modelPath = result.GetRequiredValue(_model);
        string save = result.GetRequiredValue(_save);
        using OutputFiles outputs = OutputFiles.Claim(result.GetValue(_force), save);
        PruningOptions p = _pruning.Read(result);
        SampleSet calibration = _calibration.Load(result)!;
        var ml = new MLContext(seed: 0);
        IDataView view = SampleDataView.Create(ml, calibration);
        var options = new UnitPruningOptions
        {
            Percentile = p.Percentile,
            Thresholds = p.Thresholds,
            GroupWise = p.GroupWise,
            Division = p.Division,
            Profile = p.Profile,
            MagnitudeSparsity = p.MagnitudeSparsity,
            FatReluTau = p.FatReluTau,
            BitShiftStartingShift = p.BitShiftStartingShift,
            CalibrateBinaryTree = p.CalibrateBinaryTree,
            BiasCorrection = p.BiasCorrection,
            SkipCompensation = p.SkipCompensation,
            CorrectionSamples = p.CorrectionSamples,
        };
        UnitPruningTransformer fitted = ml.Transforms.ApplyUnitPruning(options, modelPath).Fit(view);
        outputs.Write(save, stream => ml.Model.Save(fitted, view.Schema, stream));

        ThresholdSet t = fitted.Thresholds;
        TextWriter output = result.InvocationConfiguration.Output;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Fitted UnIT on {t.CalibrationSamples} samples from '{calibration.Source}' (profile {t.Profile}, division {t.Division}); saved to '{save}'."));
        foreach ((string layer, float[] values) in t.Layers)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {layer}: T = {(values.Length == 1 ? values[0].ToString("G6", CultureInfo.InvariantCulture) : $"{values.Length} group thresholds")}"));
        }
        return ExitCodes.Success;
    }
}
