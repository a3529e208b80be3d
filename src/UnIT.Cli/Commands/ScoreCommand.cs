using System.CommandLine;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using UnIT.Cli.Options;
using UnIT.Cli.Output;
using UnIT.ML.Data;
using UnIT.ML.Evaluation;
using UnIT.ML.MLNet;
using UnIT.ML.Pruning;

namespace UnIT.Cli.Commands;

/// <summary>
/// <c>unit-prune score &lt;model.zip&gt; --images I [--range A:B] [--json]</c>: loads a model saved by
/// <c>fit</c> (or any app's <c>mlContext.Model.Save</c>) with <c>mlContext.Model.Load</c> and scores samples.
/// </summary>
internal sealed class ScoreCommand
{
    private readonly Argument<string> _model = new("model") { Description = "An ML.NET model zip saved by 'unit-prune fit' or mlContext.Model.Save." };
    private readonly DataOptions _data = new();
    private readonly Option<bool> _json = CommonOptions.Json();

    private ScoreCommand()
    {
    }

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var c = new ScoreCommand();
        var command = new Command("score", "Load a saved ML.NET UnIT model and score samples: logits and MAC counts.") { c._model };
        c._data.AddTo(command);
        command.Add(c._json);
        command.SetAction(c.Run);
        return command;
    }

    private int Run(ParseResult result)
    {
        string path = result.GetRequiredValue(_model);
        var ml = new MLContext(seed: 0);
        ITransformer loaded = SavedModelArchive.Load(ml, path, out _);
        // A version mismatch of the saved UnIT state surfaces here as a FormatException naming both versions.
        UnitPruningTransformer unit;
        try
        {
            unit = UnitPruningTransformer.FromLoadedModel(loaded);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException($"'{path}': {e.Message}", e);
        }
        SampleSet samples = _data.Load(result)!;
        UnitPruningOptions options = unit.Options;
        unit.ResetStatistics();
        IDataView scored = loaded.Transform(SampleDataView.Create(ml, samples, options.InputColumnName));
        float[][] logits = ReadVectors(scored, options.OutputColumnName);
        InferenceStatistics s = unit.Statistics;
        var macs = new EvaluationReport.MacCounts(s.Total, s.SkippedZero, s.SkippedThreshold, s.Executed, s.Compensations);
        double? accuracy = samples.Labels is { } labels
            ? ClassificationMetrics.Compute(logits.Select(r => ClassificationMetrics.ArgMax(r, r.Length)[0]).ToArray(), labels).Accuracy
            : null;

        TextWriter output = result.InvocationConfiguration.Output;
        if (result.GetValue(_json))
        {
            JsonOutput.Write(output, new ScoreReport(logits, macs, accuracy));
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Scored {logits.Length} samples from '{samples.Source}' with '{path}' (profile {unit.Thresholds.Profile}, division {unit.Thresholds.Division})."));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"MACs: {s.Total:N0} total, {s.SkippedZero:N0} skipped (zero), {s.SkippedThreshold:N0} skipped (threshold{(s.Compensations > 0 ? $", {s.Compensations:N0} of them with a compensation add" : "")}), {s.Executed:N0} executed ({100 * s.SkippedFraction:F2}% skipped)."));
            if (accuracy is { } a)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Accuracy: {100 * a:F2}%"));
            }
        }
        return ExitCodes.Success;
    }

    private static float[][] ReadVectors(IDataView view, string column)
    {
        DataViewSchema.Column c = view.Schema[column];
        using DataViewRowCursor cursor = view.GetRowCursor([c]);
        ValueGetter<VBuffer<float>> get = cursor.GetGetter<VBuffer<float>>(c);
        var rows = new List<float[]>();
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            get(ref value);
            rows.Add(value.DenseValues().ToArray());
        }
        return rows.ToArray();
    }

    /// <summary>The JSON of <c>score</c>: the same <c>logits</c> as <c>predict</c>, plus MAC totals and accuracy when labelled.</summary>
    private sealed record ScoreReport(float[][] Logits, EvaluationReport.MacCounts Macs, double? Accuracy);
}
