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
        float[] expected = model.Engine.Run(input).Data;
        (IReadOnlyList<CortexM4Result> dense, IReadOnlyList<CortexM4Result> pruned) = CortexM4Run.RunBuilds(model, input, tools);
        int outSize = expected.Length / images.Count;
        bool match = pruned.Select((run, s) => run.Outputs.Select(BitConverter.SingleToInt32Bits)
            .SequenceEqual(expected.AsSpan(s * outSize, outSize).ToArray().Select(BitConverter.SingleToInt32Bits))).All(m => m);
        long denseInstructions = dense.Sum(r => r.Instructions), prunedInstructions = pruned.Sum(r => r.Instructions);
        double denseMean = (double)denseInstructions / images.Count, prunedMean = (double)prunedInstructions / images.Count;
        TextWriter output = result.InvocationConfiguration.Output;
        if (result.GetValue(_bench.Json))
        {
            JsonOutput.Write(output, new
            {
                Model = graph.Name,
                Images = images.Count,
                DenseInstructions = denseMean,
                PrunedInstructions = prunedMean,
                LogitsMatch = match,
            });
            return match ? ExitCodes.Success : ExitCodes.Failure;
        }
        IAnsiConsole console = Terminal.For(output);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Model '{graph.Name}', {images.Count} image(s); max78000 C on a Cortex-M4F (arm-none-eabi-gcc -O2, QEMU mps2-an386 -icount), division {model.Division.Name}."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Instructions per inference: dense {denseMean:N0}, UnIT {prunedMean:N0} ({denseMean / prunedMean:F2}x). QEMU counts instructions, not cycles."));
        console.WriteLine(match ? "UnIT build's outputs equal the C# float32 engine's bit for bit." : "UnIT build's outputs DIFFER from the C# float32 engine's.");
        return match ? ExitCodes.Success : ExitCodes.Failure;
    }
}
