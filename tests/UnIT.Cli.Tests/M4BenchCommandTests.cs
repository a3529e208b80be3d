using System.Text.Json;

namespace UnIT.Cli.Tests;

/// <summary><c>m4-bench</c>: the max78000 C on a Cortex-M4F in QEMU (its refusal of other profiles: <see cref="McuBenchCommandTests"/>).</summary>
[TestClass]
public sealed class M4BenchCommandTests
{
    [TestMethod]
    public void Json_reports_instructions_of_both_builds_and_bit_identical_logits()
    {
        string[] path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator);
        if (!new[] { "arm-none-eabi-gcc", "qemu-system-arm" }.All(t => path.Any(d => File.Exists(Path.Combine(d, t)))))
        {
            Cli.MissingTools("arm-none-eabi-gcc or qemu-system-arm is not installed (Debian: gcc-arm-none-eabi qemu-system-arm).");
        }
        var run = Cli.Run("m4-bench", Cli.FashionModel, "--calibration-images", Cli.FashionImages, "--calibration-limit", "20",
            "--percentile", "50", "--images", Cli.FashionImages, "--limit", "1", "--json");

        Assert.AreEqual(0, run.Code, run.Err);
        JsonElement json = JsonDocument.Parse(run.Out).RootElement;
        Assert.IsTrue(json.GetProperty("logits_match").GetBoolean());
        Assert.AreEqual(1, json.GetProperty("images").GetInt32());
        Assert.IsGreaterThan(100_000.0, json.GetProperty("dense_instructions").GetDouble());
        Assert.IsGreaterThan(100_000.0, json.GetProperty("pruned_instructions").GetDouble());
    }
}
