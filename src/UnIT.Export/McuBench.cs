using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.Export;

/// <summary>
/// Measures a generated model on the MSP430: exports the dense and the UnIT build, cross-compiles each with clang-14
/// for the MSP430 (software multiply in inline assembly, and the hardware multiplier) through tools/msp430/run.sh,
/// runs the images in mspdebug's simulator, reads the int16 logits back and compares them with the C# engine.
/// </summary>
public static class McuBench
{
    /// <summary>The FRAM region of tools/msp430/msp430.ld (0x4000..0xFF80): code, constants and buffers must all fit below 64 KiB.</summary>
    private const int SimulatedFramBytes = 0xBF80;

    /// <summary>
    /// Accumulators up to this size live in the 8 KiB of SRAM (0x1C00..0x3BFF) rather than FRAM, which leaves at least
    /// 2 KiB to the stack and the program's globals and FRAM to code and constants.
    /// </summary>
    private const int SramAccumulatorBytes = 6 * 1024;

    private const string FramNote = "tools/msp430/msp430.ld; the 20-bit large memory model is not supported";

    /// <summary>The run.sh variants measured: software multiply (inline assembly) and the MPY peripheral.</summary>
    public static IReadOnlyList<(string Variant, string Multiply)> Variants { get; } = [("asm", "swmul"), ("hw", "hwmul")];

    /// <summary>
    /// Finds tools/msp430 (with run.sh and model_main.c) in <paramref name="start"/> or a folder above it, or null.
    /// </summary>
    public static string? FindTools(string start)
    {
        for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "tools", "msp430");
            if (File.Exists(Path.Combine(candidate, "run.sh")) && File.Exists(Path.Combine(candidate, "model_main.c")))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>
    /// Runs the builds (dense and pruned, software and hardware multiply; <paramref name="dense"/> false leaves the dense
    /// ones out, <paramref name="variants"/> picks among <see cref="Variants"/>) on <paramref name="images"/> (batch-first,
    /// the model's input shape) and returns them in that order.
    /// </summary>
    /// <exception cref="CExportException">When the profile is not msp430, or a tool fails (its output is in the message).</exception>
    public static IReadOnlyList<McuBuild> Run(PrunedModel model, Tensor images, string toolsDirectory, TextWriter? log = null,
        bool dense = true, IReadOnlyList<(string Variant, string Multiply)>? variants = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        if (model.Configuration.Quantization is null)
        {
            throw new CExportException($"mcu-bench runs the msp430 profile (int16 fixed point); the model is set up for '{model.Profile.Name}'.");
        }
        int count = images.Shape[0];
        string work = Path.Combine(Path.GetTempPath(), $"unit-mcu-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            string bench = Path.Combine(work, "bench_input.h");
            var builds = new List<McuBuild>();
            var models = new List<(string, PrunedModel, bool)> { ("pruned", model, false) };
            if (dense)
            {
                // After the pruned build, so that one too large for the FRAM fails before any dense run.
                models.Add(("dense", model.DenseAsGiven(), true));
            }
            foreach ((string name, PrunedModel m, bool isDense) in models)
            {
                CExportResult export = CExporter.Export(m, new CExportOptions { Dense = isDense });
                long sramBytes = export.AccumulatorBytes <= SramAccumulatorBytes ? export.AccumulatorBytes : 0;
                long framBytes = export.ConstantBytes + export.RamBytes - sramBytes;
                if (framBytes > SimulatedFramBytes)
                {
                    throw new CExportException(
                        $"The {name} build of '{model.Graph.Name}' does not fit the simulated MSP430: its {export.ConstantBytes:N0} bytes of constants and {export.RamBytes - sramBytes:N0} bytes of buffers " +
                        $"exceed the {SimulatedFramBytes:N0} bytes of FRAM below 64 KiB by {framBytes - SimulatedFramBytes:N0} bytes before any code ({FramNote}).");
                }
                string dir = Path.Combine(work, name);
                export.WriteTo(dir, force: true);
                var stats = new InferenceStatistics();
                short[] expected = Native(m.Engine.Run(images, stats).Data, model.Configuration.Quantization.ValueBits(model.Graph.Outputs[0].Name));
                CostEstimate estimate = CostModel.Estimate(model.Profile, stats, m.Graph);
                foreach ((string variant, string multiply) in variants ?? Variants)
                {
                    log?.WriteLine($"mcu-bench: {name} build, {multiply}: simulating {count} image(s)...");
                    int nodes = m.Graph.Nodes.Count;
                    // One program per image: the images are constants of the test program, and one at a time leaves the FRAM
                    // to the model (the sorted-list builds need more RAM than the present loop's).
                    var outputs = new List<short>();
                    double total = 0;
                    var spans = new double[nodes + 2];
                    Dictionary<string, string> r = [];
                    for (int i = 0; i < count; i++)
                    {
                        File.WriteAllText(bench, BenchHeader(model, images, i));
                        r = Simulate(toolsDirectory, variant, dir, bench, nodes + 1, sramBytes > 0, $"The {name} build of '{model.Graph.Name}'");
                        outputs.AddRange(r["out"].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => short.Parse(v, CultureInfo.InvariantCulture)));
                        total += double.Parse(r["cycles"], CultureInfo.InvariantCulture);
                        double[] s = r["span_cycles"].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                        if (s.Length != spans.Length)
                        {
                            throw new CExportException($"tools/msp430/run.sh reported {s.Length} spans for one image of {nodes} nodes; expected {spans.Length}.");
                        }
                        for (int k = 0; k < spans.Length; k++)
                        {
                            spans[k] += s[k];
                        }
                    }
                    double cycles = total / count;
                    CostTable calibrated = multiply == "hwmul" ? CostTable.Msp430HardwareMultiply : CostTable.Msp430SoftwareMultiply;
                    CostEstimate calibratedEstimate = CostModel.Estimate(model.Profile.WithCosts(calibrated), stats, m.Graph);
                    builds.Add(new McuBuild
                    {
                        Model = name,
                        Multiply = multiply,
                        Cycles = cycles,
                        EstimatedCycles = isDense ? estimate.DenseCycles : estimate.Cycles,
                        CalibratedEstimatedCycles = isDense ? calibratedEstimate.DenseCycles : calibratedEstimate.Cycles,
                        CodeBytes = long.Parse(r["text_bytes"], CultureInfo.InvariantCulture),
                        // The bench image is a constant of the test program, not of the model.
                        ConstantBytes = long.Parse(r["rodata_bytes"], CultureInfo.InvariantCulture) - 2L * m.Graph.InputSampleSize,
                        // .bss holds the accumulators when they are in SRAM.
                        RamBytes = long.Parse(r["bss_bytes"], CultureInfo.InvariantCulture) + export.RamBytes - sramBytes,
                        FramSpareBytes = long.Parse(r["fram_spare_bytes"], CultureInfo.InvariantCulture),
                        LogitsMatch = outputs.SequenceEqual(expected),
                        ExecutedMacs = (isDense ? stats.Layers.Sum(l => l.Total) : stats.Layers.Sum(l => l.Executed)) / (double)count,
                        SkipTestReads = isDense ? 0 : stats.Layers.Sum(l => l.WeightReads + l.ActivationReads) / (double)count,
                        Comparisons = isDense ? 0 : stats.Layers.Sum(l => l.Comparisons) / (double)count,
                        EnergyMicrojoules = cycles * model.Profile.Costs.EnergyPerCycleNanojoules / 1000.0,
                        Layers = Layers(m.Graph, spans, count, calibratedEstimate, isDense),
                    });
                }
            }
            return builds.OrderByDescending(b => b.Model == "dense").ToList();
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// Cycles per node from the simulator's spans, summed over the images' runs: the generated code marks the start of every
    /// node and the end of the graph, so span 0 runs up to the first node, span 1 + j is node j, and span 1 + n (the output
    /// copy) goes to "(other)" with span 0.
    /// </summary>
    private static McuLayer[] Layers(ModelGraph graph, double[] spans, int images, CostEstimate estimate, bool dense)
    {
        int n = graph.Nodes.Count;
        var layers = new McuLayer[n + 1];
        for (int j = 0; j < n; j++)
        {
            Node node = graph.Nodes[j];
            (double Dense, double Pruned)? e = estimate.CyclesOf(node.Name);
            layers[j] = new McuLayer { Name = node.Name, Op = node.OpName, Cycles = spans[1 + j] / images, Estimate = dense ? e?.Dense : e?.Pruned };
        }
        layers[n] = new McuLayer { Name = "(other)", Op = "", Cycles = (spans[0] + spans[n + 1]) / images, Estimate = null };
        return layers;
    }

    /// <summary>The engine's float outputs back in the output's Q format (exact: they are int16 values scaled by a power of two).</summary>
    private static short[] Native(float[] values, int bits) => values.Select(v => FixedPointMath.Quantize(v, bits)).ToArray();

    private static string BenchHeader(PrunedModel model, Tensor images, int image)
    {
        int bits = model.Configuration.Quantization!.ValueBits(model.Graph.Input.Name);
        int size = model.Graph.InputSampleSize;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"/* Image {image} in the input's Q{bits} format, for model_main.c. */\n#include <stdint.h>\n");
        sb.Append(CultureInfo.InvariantCulture, $"#define UNIT_BENCH_IMAGES 1\nstatic const int16_t unit_bench_input[1][{size}] = {{\n    {{");
        sb.AppendJoin(",", images.Data.Skip(image * size).Take(size).Select(v => FixedPointMath.Quantize(v, bits).ToString(CultureInfo.InvariantCulture)));
        return sb.Append("},\n};\n").ToString();
    }

    private static Dictionary<string, string> Simulate(string tools, string variant, string dir, string bench, int marks, bool accumulatorsInSram, string build)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] place = accumulatorsInSram ? ["--define", "UNIT_ACC_ATTR="] : [];
        string[] arguments = [Path.Combine(tools, "run.sh"), "--variant", variant, "--marks", marks.ToString(CultureInfo.InvariantCulture), "--main", Path.Combine(tools, "model_main.c"),
            "--src", Path.Combine(dir, CExportResult.SourceFile), .. place, bench];
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }
        using Process p = Process.Start(psi) ?? throw new CExportException("Could not start bash for tools/msp430/run.sh.");
        Task<string> err = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (Regex.Match(err.Result, @"will not fit in region 'FRAM': overflowed by (\d+) bytes") is { Success: true } overflow)
        {
            throw new CExportException(
                $"{build} does not fit the simulated MSP430: its code, constants and buffers exceed the {SimulatedFramBytes:N0} bytes of FRAM below 64 KiB " +
                $"by {long.Parse(overflow.Groups[1].Value, CultureInfo.InvariantCulture):N0} bytes ({FramNote}).");
        }
        string[] missing = Regex.Matches(err.Result, @"undefined symbol: (\S+)").Select(m => m.Groups[1].Value).Distinct().ToArray();
        if (missing.Length > 0)
        {
            // The generated C is fine for a full toolchain; tools/msp430's runtime has 32-bit float and integer helpers only.
            throw new CExportException(
                $"{build} needs runtime helpers tools/msp430 does not provide: {string.Join(", ", missing)} (64-bit double or integer " +
                "arithmetic, as a Div of two run-time values or operands whose Q formats lie far apart need; the simulator's runtime " +
                "has 32-bit float and integer helpers only). Build the exported C with a full MSP430 toolchain instead.");
        }
        if (p.ExitCode != 0)
        {
            string why = p.ExitCode == 2 ? " (a tool is missing: install clang-14, lld-14, llvm-14 and mspdebug)" : "";
            throw new CExportException($"tools/msp430/run.sh --variant {variant} failed with exit code {p.ExitCode}{why}:\n{err.Result.Trim()}");
        }
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim(), StringComparer.Ordinal);
    }
}
