using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using UnIT.Cli.Options;
using UnIT.Cli.Output;
using UnIT.ML.Data;
using UnIT.ML.Engine;
using UnIT.ML.Evaluation;
using UnIT.ML.Graph;

namespace UnIT.Cli.Commands;

/// <summary>
/// <c>unit-prune predict &lt;model.onnx&gt; --images FILE [--range START:END] [--limit N] [--labels FILE] [--json]</c>:
/// runs the dense engine and prints the logits (JSON) or a summary of the predictions.
/// </summary>
internal sealed class PredictCommand
{
    private readonly Argument<string> _model = CommonOptions.Model();
    private readonly DataOptions _data = new();
    private readonly Option<int> _batchSize = CommonOptions.BatchSize();
    private readonly Option<bool> _json = CommonOptions.Json();

    private PredictCommand()
    {
    }

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var c = new PredictCommand();
        var command = new Command("predict", "Run the dense (unpruned) model on samples and print its outputs.") { c._model };
        c._data.AddTo(command);
        command.Add(c._batchSize);
        command.Add(c._json);
        command.SetAction(c.Run);
        return command;
    }

    private int Run(ParseResult result)
    {
        ModelGraph graph = ModelLoader.Load(result.GetRequiredValue(_model));
        SampleSet samples = _data.Load(result, graph)!; // --images is required, so the set is never null
        float[][] rows = Predict(graph, samples, result.GetValue(_batchSize));
        TextWriter output = result.InvocationConfiguration.Output;
        if (result.GetValue(_json))
        {
            JsonOutput.Write(output, new { Logits = rows });
        }
        else
        {
            WriteSummary(Terminal.For(output), graph.Name, samples.Source, rows, samples.Labels);
        }
        return ExitCodes.Success;
    }

    /// <summary>The first output of the model for each sample, in sample order.</summary>
    private static float[][] Predict(ModelGraph graph, SampleSet samples, int batchSize)
    {
        var engine = new InferenceEngine(graph);
        var rows = new List<float[]>(samples.Count);
        foreach (Tensor batch in samples.Batches(graph.Input.Shape, batchSize))
        {
            Tensor output = engine.Run(batch);
            int width = output.Data.Length / batch.Shape[0];
            for (int s = 0; s < batch.Shape[0]; s++)
            {
                rows.Add(output.Data.AsSpan(s * width, width).ToArray());
            }
        }
        return rows.ToArray();
    }

    /// <summary>Models with more classes list only the classes that were predicted or labelled.</summary>
    private const int ListAllClassesUpTo = 20;

    /// <summary>The count of samples predicted (and labelled) per class, and the accuracy when there are labels.</summary>
    internal static void WriteSummary(IAnsiConsole console, string model, string source, float[][] rows, IReadOnlyList<int>? labels)
    {
        int[] predicted = rows.Select(r => ClassificationMetrics.ArgMax(r, r.Length)[0]).ToArray();
        console.WriteLine($"Ran model '{model}' on {rows.Length} samples from '{source}'.");
        var table = new Table().AddColumn("class").AddColumn(new TableColumn("predicted").RightAligned());
        if (labels is not null)
        {
            table.AddColumn(new TableColumn("labelled").RightAligned());
        }
        int classes = Math.Max(rows[0].Length, labels is null ? 0 : labels.Max() + 1);
        // An ImageNet model's 1,000 rows would be nearly all zeros: past a screenful, only classes that occur are listed.
        bool occurringOnly = classes > ListAllClassesUpTo;
        for (int c = 0; c < classes; c++)
        {
            int predictedCount = predicted.Count(p => p == c), labelledCount = labels?.Count(l => l == c) ?? 0;
            if (occurringOnly && predictedCount == 0 && labelledCount == 0)
            {
                continue;
            }
            var cells = new List<string> { Format(c), Format(predictedCount) };
            if (labels is not null)
            {
                cells.Add(Format(labelledCount));
            }
            table.AddRow(cells.Select(t => new Text(t)));
        }
        console.Write(table);
        if (occurringOnly)
        {
            console.WriteLine($"{Format(classes)} classes; those neither predicted nor labelled are left out.");
        }
        int none = predicted.Count(p => p == ClassificationMetrics.NoClass);
        if (none > 0)
        {
            console.WriteLine($"{none} sample(s) have NaN logits and predict no class.");
        }
        if (labels is not null)
        {
            int correct = predicted.Where((p, i) => p == labels[i]).Count();
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Accuracy: {100.0 * correct / rows.Length:F2}% ({correct} of {rows.Length})"));
        }
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
