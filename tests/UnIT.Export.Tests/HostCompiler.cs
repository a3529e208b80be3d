using System.Diagnostics;

namespace UnIT.Export.Tests;

/// <summary>
/// Compiles generated C with the machine's C compiler (cc, else gcc, else clang) and runs it on float samples: a small
/// harness reads the samples from a file and writes the float outputs and the UNIT_COUNT counters.
/// </summary>
internal static class HostCompiler
{
    private const string Harness = """
        #include <stdio.h>
        #include <stdlib.h>
        #include "unit_model.h"

        /* usage: harness IN OUT COUNT: IN holds COUNT samples of UNIT_INPUT_SIZE floats; OUT gets their outputs, then the counters. */
        int main(int argc, char **argv)
        {
            static float in[UNIT_INPUT_SIZE], out[UNIT_OUTPUT_SIZE];
            FILE *fi, *fo;
            long n, s;
            if (argc != 4 || !(fi = fopen(argv[1], "rb")) || !(fo = fopen(argv[2], "wb")))
            {
                return 2;
            }
            n = atol(argv[3]);
            for (s = 0; s < n; s++)
            {
                if (fread(in, sizeof in, 1, fi) != 1)
                {
                    return 3;
                }
                unit_infer(in, out);
                fwrite(out, sizeof out, 1, fo);
            }
            fwrite(unit_counts, sizeof unit_counts, 1, fo);
            fclose(fo);
            fclose(fi);
            return 0;
        }
        """;

    /// <summary>The compiler command, or null when none is installed.</summary>
    public static string? Find() => new[] { "cc", "gcc", "clang" }.FirstOrDefault(c => Run(c, ["--version"], out _) == 0);

    /// <summary>Builds the exported files with the harness in <paramref name="dir"/>, runs <paramref name="samples"/> and returns outputs and counters.</summary>
    public static (float[] Outputs, uint[] Counts) BuildAndRun(string compiler, CExportResult export, string dir, float[] samples, int count)
    {
        export.WriteTo(dir, force: true);
        File.WriteAllText(Path.Combine(dir, "harness.c"), Harness);
        string exe = Path.Combine(dir, "harness");
        // -ffp-contract=off: no fused multiply-add but the explicit ones (conv MACs), so every float product and sum rounds
        // as the C# engine's do; -lm for fmaf where the CPU has no FMA instruction.
        int rc = Run(compiler, ["-std=c99", "-O2", "-ffp-contract=off", "-Wall", "-Wextra", "-Werror", "-DUNIT_COUNT", "-I", dir,
            Path.Combine(dir, CExportResult.SourceFile), Path.Combine(dir, "harness.c"), "-o", exe, "-lm"], out string log);
        if (rc != 0)
        {
            throw new AssertFailedException($"{compiler} failed on the generated C:\n{log}");
        }
        string inFile = Path.Combine(dir, "in.bin"), outFile = Path.Combine(dir, "out.bin");
        File.WriteAllBytes(inFile, System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()).ToArray());
        rc = Run(exe, [inFile, outFile, count.ToString(System.Globalization.CultureInfo.InvariantCulture)], out log);
        Assert.AreEqual(0, rc, $"the harness failed: {log}");
        byte[] bytes = File.ReadAllBytes(outFile);
        int outBytes = bytes.Length - export.Layers.Count * 12;
        return (System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan(0, outBytes)).ToArray(),
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(bytes.AsSpan(outBytes)).ToArray());
    }

    /// <summary>Runs a program and returns its exit code (-1 when it cannot start), with stdout and stderr in <paramref name="log"/>.</summary>
    public static int Run(string file, string[] args, out string log)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        try
        {
            using Process p = Process.Start(psi)!;
            Task<string> err = p.StandardError.ReadToEndAsync();
            string stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            log = stdout + err.Result;
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            log = e.Message;
            return -1;
        }
    }
}
