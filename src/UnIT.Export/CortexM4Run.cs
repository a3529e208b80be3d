using System.Diagnostics;
using System.Globalization;
using System.Text;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.Export;

/// <summary>
/// Builds generated float32 C (the max78000 profile) for a Cortex-M4F with arm-none-eabi-gcc and runs one inference in
/// qemu-system-arm (mps2-an386) through tools/cortex-m4/build.sh: the outputs come back as float bits over semihosting,
/// and the instructions executed from the SysTick under <c>-icount shift=0</c>. QEMU does not model cycles.
/// </summary>
public static class CortexM4Run
{
    /// <summary>Finds tools/cortex-m4 (with build.sh) in <paramref name="start"/> or a folder above it, or null.</summary>
    public static string? FindTools(string start)
    {
        for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "tools", "cortex-m4");
            if (File.Exists(Path.Combine(candidate, "build.sh")))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>
    /// Generates the UnIT and the dense (<see cref="CExportOptions.Dense"/>) max78000 C of <paramref name="model"/> once and
    /// runs each sample of <paramref name="images"/> through both, in a temporary folder removed afterwards.
    /// </summary>
    /// <returns>Per sample, in order: the dense build's run and the UnIT build's run.</returns>
    /// <exception cref="CExportException">As <see cref="Run"/>.</exception>
    public static (IReadOnlyList<CortexM4Result> Dense, IReadOnlyList<CortexM4Result> Pruned) RunBuilds(PrunedModel model, Tensor images, string toolsDirectory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        CExportResult prunedC = CExporter.Export(model);
        CExportResult denseC = CExporter.Export(model.DenseAsGiven(), new CExportOptions { Dense = true });
        int size = model.Graph.InputSampleSize;
        var dense = new List<CortexM4Result>();
        var pruned = new List<CortexM4Result>();
        string dir = Path.Combine(Path.GetTempPath(), $"unit-m4-{Guid.NewGuid():N}");
        try
        {
            for (int s = 0; s < images.Shape[0]; s++)
            {
                ReadOnlySpan<float> sample = images.Data.AsSpan(s * size, size);
                dense.Add(Run(denseC, sample, toolsDirectory, dir));
                pruned.Add(Run(prunedC, sample, toolsDirectory, dir));
            }
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        return (dense, pruned);
    }

    /// <summary>
    /// Writes <paramref name="export"/> and <paramref name="sample"/> (one input, UNIT_INPUT_SIZE floats) into
    /// <paramref name="directory"/>, builds and runs it.
    /// </summary>
    /// <exception cref="CExportException">When the export is fixed point, the sample has the wrong size, or the build or run fails.</exception>
    public static CortexM4Result Run(CExportResult export, ReadOnlySpan<float> sample, string toolsDirectory, string directory, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(export);
        if (export.Files[CExportResult.HeaderFile].Contains("UNIT_INPUT_Q", StringComparison.Ordinal))
        {
            throw new CExportException($"Model '{export.Model}' was generated for {export.Profile} (int16 fixed point); the Cortex-M4F build takes the float32 (max78000) C.");
        }
        export.WriteTo(directory, force: true);
        var input = new StringBuilder("#include <stdint.h>\n#include \"unit_model.h\"\n\n/* The sample's float bits. */\nconst uint32_t unit_input_bits[UNIT_INPUT_SIZE] = {");
        for (int i = 0; i < sample.Length; i++)
        {
            input.Append(i % 8 == 0 ? "\n    " : " ").Append(CultureInfo.InvariantCulture, $"0x{BitConverter.SingleToUInt32Bits(sample[i]):x8}u,");
        }
        File.WriteAllText(Path.Combine(directory, "unit_input.c"), input.Append("\n};\n").ToString());

        var psi = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(toolsDirectory, "build.sh"));
        psi.ArgumentList.Add(directory);
        using Process p = Process.Start(psi) ?? throw new CExportException("Could not start sh for tools/cortex-m4/build.sh.");
        Task<string> err = p.StandardError.ReadToEndAsync();
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new CExportException($"tools/cortex-m4/build.sh did not finish within {(timeout ?? TimeSpan.FromMinutes(5)).TotalSeconds:0} s (QEMU hung?).");
        }
        string log = err.Result + output.Result;
        if (p.ExitCode != 0)
        {
            throw new CExportException($"tools/cortex-m4/build.sh failed with exit code {p.ExitCode} (needs arm-none-eabi-gcc and qemu-system-arm):\n{log.Trim()}");
        }
        var outputs = new List<float>();
        var marks = new List<long>();
        long? ticks = null, marksCost = null;
        // QEMU writes the semihosting console to stdout or stderr depending on its version: read both.
        foreach (string line in log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] kv = line.Split(' ', 2);
            if (kv.Length == 2 && kv[1].StartsWith("0x", StringComparison.Ordinal)
                && uint.TryParse(kv[1].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint v))
            {
                switch (kv[0])
                {
                    case "out":
                        outputs.Add(BitConverter.UInt32BitsToSingle(v));
                        break;
                    case "ticks":
                        ticks = v;
                        break;
                    case "marks256":
                        marksCost = v;
                        break;
                    case "mark":
                        marks.Add(v);
                        break;
                    case "marks_dropped":
                        throw new CExportException($"Model '{export.Model}' has more nodes than tools/cortex-m4/main.c keeps marks for ({v} marks dropped).");
                }
            }
        }
        if (ticks is null || marksCost is null)
        {
            throw new CExportException($"The Cortex-M4 run reported no instruction count:\n{log.Trim()}");
        }
        // -icount shift=0: 1 ns of virtual time per instruction; the mps2 SysTick runs at 25 MHz, 40 ns a tick. A mark
        // (a call and a tick reading) costs less than a tick, so its cost comes from 256 of them and is taken off.
        double mark = marksCost.Value * TickInstructions / 256.0;
        long total = (long)Math.Round(ticks.Value * TickInstructions - marks.Count * mark);
        long[] nodes = [.. marks.Zip(marks.Skip(1), (a, b) => Math.Max(0, (long)Math.Round((b - a) * TickInstructions - mark)))];
        return new CortexM4Result(outputs.ToArray(), total, nodes, log);
    }

    private const int TickInstructions = 40;
}
