using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using UnIT.Cli.Options;
using UnIT.Cli.Output;
using UnIT.ML.Graph;

namespace UnIT.Cli.Commands;

/// <summary><c>unit-prune inspect &lt;model.onnx&gt; [--json]</c>: the model's layers, shapes, parameters and MACs.</summary>
internal sealed class InspectCommand
{
    private readonly Argument<string> _model = CommonOptions.Model();
    private readonly Option<bool> _json = CommonOptions.Json();

    private InspectCommand()
    {
    }

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var c = new InspectCommand();
        var command = new Command("inspect", "Show a model's layers with output shapes, parameters and MACs per sample.") { c._model, c._json };
        command.SetAction(c.Run);
        return command;
    }

    private int Run(ParseResult result)
    {
        ModelGraph graph = ModelLoader.Load(result.GetRequiredValue(_model));
        TextWriter output = result.InvocationConfiguration.Output;
        if (result.GetValue(_json))
        {
            JsonOutput.Write(output, InspectReport.From(graph));
        }
        else
        {
            WriteTable(Terminal.For(output), graph);
        }
        return ExitCodes.Success;
    }

    private static void WriteTable(IAnsiConsole console, ModelGraph graph)
    {
        console.WriteLine($"Model '{graph.Name}': input {graph.Input.Name} {graph.Input.Shape}; outputs {string.Join(", ", graph.Outputs.Select(o => $"{o.Name} {o.Shape}"))}");
        var table = new Table().AddColumns("#", "name", "op", "output shape")
            .AddColumn(new TableColumn("params").RightAligned())
            .AddColumn(new TableColumn("MACs").RightAligned())
            .AddColumn("attributes");
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            Node n = graph.Nodes[i];
            table.AddRow(
                new Text(i.ToString(CultureInfo.InvariantCulture)), new Text(n.Name), new Text(n.OpName),
                new Text(graph.ShapeOf(n.Output).ToString()), new Text(Format(n.ParameterCount)),
                new Text(Format(graph.MacsPerSample(n))), new Text(n.Attributes));
        }
        console.Write(table);
        console.WriteLine($"Total: {Format(graph.TotalParameters)} parameters, {Format(graph.TotalMacsPerSample)} MACs per sample");
        ActivationPlan memory = graph.Memory;
        console.WriteLine($"Activation memory per sample: at most {Format(memory.PeakLiveElements)} values live at once; arena {Format(memory.ArenaElements)} values " +
            $"({Format(memory.ArenaElements * sizeof(float))} bytes as float32, {Format(memory.ArenaElements * sizeof(short))} bytes as int16)");
    }

    private static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
