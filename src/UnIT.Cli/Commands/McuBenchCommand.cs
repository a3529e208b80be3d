using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using UnIT.Cli.Options;
using UnIT.Cli.Output;
using UnIT.Export;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.Cli.Commands;

/// <summary>
/// <c>unit-prune mcu-bench &lt;model.onnx&gt; --thresholds T.json --images I [--limit N] [--json]</c>: generates the dense
/// and the UnIT msp430 builds, runs them in mspdebug's simulator (software multiply and hardware multiplier), and
/// reports measured cycles per inference beside the cost model's estimates, memory, energy and whether the logits
/// equal the C# engine's.
/// </summary>
internal sealed class McuBenchCommand
{
    private readonly DeviceBenchOptions _bench = new("msp430", "measures the msp430 C in mspdebug's simulator", "tools/msp430", McuBench.FindTools);

    private McuBenchCommand()
    {
    }

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var c = new McuBenchCommand();
        Command command = c._bench.CreateCommand("mcu-bench", "Measure the generated msp430 code in mspdebug's simulator: cycles per inference, dense vs UnIT, software and hardware multiply.");
        command.SetAction(c.Run);
        return command;
    }

    private int Run(ParseResult result)
    {
        (ModelGraph graph, PrunedModel model, SampleSet images, string tools) = _bench.Prepare(result);
        bool json = result.GetValue(_bench.Json);
        IReadOnlyList<McuBuild> builds = McuBench.Run(model, images.ToTensor(graph.Input.Shape), tools, json ? null : result.InvocationConfiguration.Error);
        McuBuild Find(string m, string mul) => builds.First(b => b.Model == m && b.Multiply == mul);
        TextWriter output = result.InvocationConfiguration.Output;
        if (json)
        {
            JsonOutput.Write(output, new
            {
                Model = graph.Name,
                Images = images.Count,
                DenseCycles = Find("dense", "hwmul").Cycles,
                PrunedCycles = Find("pruned", "hwmul").Cycles,
                DenseCyclesSwmul = Find("dense", "swmul").Cycles,
                PrunedCyclesSwmul = Find("pruned", "swmul").Cycles,
                LogitsMatch = builds.All(b => b.LogitsMatch),
                Builds = builds,
            });
            return builds.All(b => b.LogitsMatch) ? ExitCodes.Success : ExitCodes.Failure;
        }
        static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
        IAnsiConsole console = Terminal.For(output);
        console.WriteLine($"Model '{graph.Name}', {images.Count} image(s) from '{images.Source}'; msp430 (clang-14 -O2, mspdebug sim MCLK), division {model.Division.Name}.");
        if (model.Thresholds.DenseLayers is { Length: > 0 } dense)
        {
            console.WriteLine($"The pruned builds run {string.Join(", ", dense)} by the plain dense loop (the thresholds' dense_layers).");
        }
        var table = new Table().AddColumns("build", "multiply", "cycles/inference", "estimate (paper table)", "estimate (calibrated)", "code B", "const B", "RAM B", "FRAM spare B", "µJ/inference", "logits = C#");
        foreach (McuBuild b in builds)
        {
            table.AddRow(b.Model, b.Multiply, N(b.Cycles), N(b.EstimatedCycles), N(b.CalibratedEstimatedCycles), N(b.CodeBytes), N(b.ConstantBytes), N(b.RamBytes), N(b.FramSpareBytes),
                b.EnergyMicrojoules.ToString("F1", CultureInfo.InvariantCulture), b.LogitsMatch ? "yes" : "[red]NO[/]");
        }
        console.Write(table);
        var layers = new Table().AddColumns("node", "op");
        foreach (McuBuild b in builds)
        {
            layers.AddColumns($"{b.Model} {b.Multiply}", "estimate");
        }
        for (int i = 0; i < builds[0].Layers.Count; i++)
        {
            var row = new List<string> { Markup.Escape(builds[0].Layers[i].Name), builds[0].Layers[i].Op };
            foreach (McuBuild b in builds)
            {
                row.Add(N(b.Layers[i].Cycles));
                row.Add(b.Layers[i].Estimate is double e ? N(e) : "-");
            }
            layers.AddRow(row.ToArray());
        }
        console.WriteLine("Cycles per inference by node (estimate: the build's calibrated table, which prices every node; '-' where it has no price for the op):");
        console.Write(layers);
        foreach (string mul in new[] { "swmul", "hwmul" })
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{mul}: measured speed-up {Find("dense", mul).Cycles / Find("pruned", mul).Cycles:F2}x (dense / UnIT)."));
        }
        console.WriteLine("Energy: cycles x the msp430 table's 118 µA/MHz at 3.0 V (MSP430FR5994 datasheet, typical active current).");
        return builds.All(b => b.LogitsMatch) ? ExitCodes.Success : ExitCodes.Failure;
    }
}
