using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using UnIT.Cli.Options;
using UnIT.Cli.Output;
using UnIT.Export;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.Cli.Commands;

/// <summary>
/// <c>unit-prune m4-bench &lt;model.onnx&gt; --thresholds T.json --images I [--limit N] [--json]</c>: builds the dense and the
/// UnIT max78000 C for a Cortex-M4F (arm-none-eabi-gcc), runs each image in qemu-system-arm (mps2-an386), checks the
/// UnIT build's outputs against the C# float32 engine bit for bit and reports instructions executed (QEMU counts
/// instructions, not cycles).
/// </summary>
internal sealed class M4BenchCommand
{
    private readonly DeviceBenchOptions _bench = new("max78000", "runs the float32 max78000 C on a Cortex-M4F in QEMU", "tools/cortex-m4", CortexM4Run.FindTools);

    private M4BenchCommand()
    {
    }

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var c = new M4BenchCommand();
        Command command = c._bench.CreateCommand("m4-bench", "Run the generated max78000 C on a Cortex-M4F in QEMU: outputs against the C# engine, instructions executed, dense vs UnIT.");
        command.SetAction(c.Run);
        return command;
    }

    private int Run(ParseResult result)
    {
        (ModelGraph graph, PrunedModel model, SampleSet images, string tools) = _bench.Prepare(result);
        Tensor input = images.ToTensor(graph.Input.Shape);
        // Counting runs every layer through the UnIT kernel, as the C does; uncounted, a float layer at threshold 0 takes the
        // engine's dense fast path, which sums in another order and so differs from the C in the last bits.
        var statistics = new InferenceStatistics();
        float[] expected = model.Engine.Run(input, statistics).Data;
        (IReadOnlyList<CortexM4Result> dense, IReadOnlyList<CortexM4Result> pruned) = CortexM4Run.RunBuilds(model, input, tools);
        if (dense.Concat(pruned).FirstOrDefault(r => r.NodeInstructions.Count != graph.Nodes.Count) is { } odd)
        {
            throw new CExportException($"The Cortex-M4 run of '{graph.Name}' reported {odd.NodeInstructions.Count} node spans for {graph.Nodes.Count} nodes.");
        }
        int outSize = expected.Length / images.Count;
        bool match = pruned.Select((run, s) => run.Outputs.Select(BitConverter.SingleToInt32Bits)
            .SequenceEqual(expected.AsSpan(s * outSize, outSize).ToArray().Select(BitConverter.SingleToInt32Bits))).All(m => m);
        double denseMean = dense.Average(r => (double)r.Instructions), prunedMean = pruned.Average(r => (double)r.Instructions);
        CostEstimate estimate = CostModel.Estimate(model.Profile.WithCosts(CostTable.CortexM4Instructions), statistics, graph);
        var layers = graph.Nodes.Select((n, j) => new
        {
            n.Name,
            Op = n.OpName,
            DenseInstructions = dense.Average(r => (double)r.NodeInstructions[j]),
            PrunedInstructions = pruned.Average(r => (double)r.NodeInstructions[j]),
            EstimatedDense = estimate.CyclesOf(n.Name)?.Dense,
            EstimatedPruned = estimate.CyclesOf(n.Name)?.Pruned,
        }).ToArray();
        double estimatedDense = estimate.DenseCycles, estimatedPruned = estimate.Cycles;
        TextWriter output = result.InvocationConfiguration.Output;
        if (result.GetValue(_bench.Json))
        {
            JsonOutput.Write(output, new
            {
                Model = graph.Name,
                Images = images.Count,
                DenseInstructions = denseMean,
                PrunedInstructions = prunedMean,
                EstimatedDenseInstructions = estimatedDense,
                EstimatedPrunedInstructions = estimatedPruned,
                LogitsMatch = match,
                Layers = layers,
            });
            return match ? ExitCodes.Success : ExitCodes.Failure;
        }
        static string N(double? v) => v is double d ? d.ToString("N0", CultureInfo.InvariantCulture) : "-";
        IAnsiConsole console = Terminal.For(output);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Model '{graph.Name}', {images.Count} image(s); max78000 C on a Cortex-M4F (arm-none-eabi-gcc -O2, QEMU mps2-an386 -icount), division {model.Division.Name}."));
        if (model.Thresholds.DenseLayers is { Length: > 0 } denseLoops)
        {
            console.WriteLine($"The UnIT build runs {string.Join(", ", denseLoops)} by the plain dense loop (the thresholds' dense_layers).");
        }
        var table = new Table().AddColumns("node", "op", "dense", "estimate", "UnIT", "estimate");
        foreach (var l in layers)
        {
            table.AddRow(Markup.Escape(l.Name), l.Op, N(l.DenseInstructions), N(l.EstimatedDense), N(l.PrunedInstructions), N(l.EstimatedPruned));
        }
        table.AddRow("total", "", N(denseMean), N(estimatedDense), N(prunedMean), N(estimatedPruned));
        console.WriteLine("Instructions per inference by node (estimate: the calibrated-m4 table; '-' where it prices no such op):");
        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Instructions per inference: dense {denseMean:N0}, UnIT {prunedMean:N0} ({denseMean / prunedMean:F2}x; estimated {estimatedDense / estimatedPruned:F2}x). QEMU counts instructions, not cycles."));
        console.WriteLine(match ? "UnIT build's outputs equal the C# float32 engine's bit for bit." : "UnIT build's outputs DIFFER from the C# float32 engine's.");
        return match ? ExitCodes.Success : ExitCodes.Failure;
    }
}
