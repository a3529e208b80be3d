using System.Text.Json;
using System.Text.RegularExpressions;

namespace UnIT.Cli.Tests;

/// <summary>
/// <c>mcu-bench</c>: the msp430 C in mspdebug's simulator, and a build too large for the simulated FRAM; with <c>m4-bench</c>,
/// the profile each device bench runs and refuses.
/// </summary>
[TestClass]
public sealed class McuBenchCommandTests
{
    [TestMethod]
    [DataRow("mcu-bench", "msp430")]
    [DataRow("m4-bench", "max78000")]
    public void Help_gives_the_profile_the_device_runs_as_the_default(string command, string profile)
    {
        var run = Cli.Run(command, "--help");

        Assert.AreEqual(0, run.Code, run.Err);
        string line = run.Out.Split('\n').Single(l => l.TrimStart().StartsWith("--profile", StringComparison.Ordinal));
        StringAssert.Contains(line, $"[default: {profile}]");
    }

    [TestMethod]
    [DataRow("mcu-bench", "max78000", "msp430")]
    [DataRow("m4-bench", "msp430", "max78000")]
    public void A_profile_the_device_does_not_run_is_refused_in_one_line(string command, string given, string runs)
    {
        string error = Cli.SingleErrorLine(Cli.Run(command, Cli.FashionModel, "--profile", given,
            "--calibration-images", Cli.FashionImages, "--calibration-limit", "10", "--images", Cli.FashionImages, "--limit", "1"));

        StringAssert.Contains(error, $"--profile {given}");
        StringAssert.Contains(error, runs);
    }

    [TestMethod]
    public void Json_reports_cycles_of_every_build_and_bit_identical_logits()
    {
        var run = Simulated("mcu-bench", Cli.FashionModel, "--calibration-images", Cli.FashionImages, "--calibration-limit", "20",
            "--percentile", "50", "--images", Cli.FashionImages, "--limit", "1", "--json");

        Assert.AreEqual(0, run.Code, run.Err);
        JsonElement json = JsonDocument.Parse(run.Out).RootElement;
        Assert.IsTrue(json.GetProperty("logits_match").GetBoolean());
        Assert.AreEqual(4, json.GetProperty("builds").GetArrayLength(), "dense and pruned, software and hardware multiply");
        Assert.IsGreaterThan(json.GetProperty("pruned_cycles_swmul").GetDouble(), json.GetProperty("dense_cycles_swmul").GetDouble());
    }

    [TestMethod]
    public void A_dense_loop_layer_of_the_pruned_build_costs_what_it_costs_in_the_dense_build()
    {
        string thresholds = Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "mcu-dense-loops.json");
        var chosen = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "20",
            "--calibration-images", Cli.Asset("data/fashion-mnist/train-55000-55999-images-idx3-ubyte.gz"), "--calibration-limit", "20", "--profile", "msp430", "--percentile", "10",
            "--cost-table", "calibrated-hwmul", "--dense-where-cheaper", "--save-thresholds", thresholds, "--force", "--json");
        Assert.AreEqual(0, chosen.Code, chosen.Err);
        string[] dense = UnIT.ML.Pruning.ThresholdSet.Load(thresholds).DenseLayers!;

        var table = Simulated("mcu-bench", Cli.FashionModel, "--thresholds", thresholds, "--images", Cli.FashionImages, "--limit", "1");
        var run = Simulated("mcu-bench", Cli.FashionModel, "--thresholds", thresholds, "--images", Cli.FashionImages, "--limit", "1", "--json");

        Assert.IsNotEmpty(dense, "at p = 10 a layer of this model costs more under UnIT than dense with the hardware multiplier");
        Assert.AreEqual(0, table.Code, table.Err);
        StringAssert.Contains(table.Out, $"The pruned builds run {string.Join(", ", dense)} by the plain dense loop");
        Assert.AreEqual(0, run.Code, run.Err);
        JsonElement[] builds = [.. JsonDocument.Parse(run.Out).RootElement.GetProperty("builds").EnumerateArray()];
        foreach (string multiply in new[] { "swmul", "hwmul" })
        {
            JsonElement Build(string model) => builds.Single(b => b.GetProperty("model").GetString() == model && b.GetProperty("multiply").GetString() == multiply);
            foreach (string layer in dense)
            {
                double Cycles(JsonElement b) => b.GetProperty("layers").EnumerateArray().Single(l => l.GetProperty("name").GetString() == layer).GetProperty("cycles").GetDouble();
                double inDense = Cycles(Build("dense")), inPruned = Cycles(Build("pruned"));
                Assert.IsLessThan(0.1, Math.Abs(inPruned / inDense - 1), $"{layer}, {multiply}: {inPruned} cycles in the pruned build, {inDense} in the dense one");
            }
        }
    }

    [TestMethod]
    public void A_build_over_the_simulated_FRAM_is_refused_in_one_line_naming_the_overflow()
    {
        // The residual network's weights alone (about 150 KB) are more than the 64 KiB the simulator models.
        var run = Simulated("mcu-bench", Cli.ResNetModel, "--calibration-images", Cli.FashionImages, "--calibration-limit", "20",
            "--percentile", "50", "--images", Cli.FashionImages, "--limit", "1");

        // Progress lines go to stderr too; the error is one line.
        Assert.AreEqual(ExitCodes.Failure, run.Code, run.Err);
        string error = run.Err.Split('\n').Single(l => l.StartsWith("error: ", StringComparison.Ordinal));
        StringAssert.Contains(error, "pruned build of 'fashion_mnist_resnet' does not fit the simulated MSP430");
        StringAssert.Matches(error, new Regex(@"by [\d,]+ bytes"));
    }

    /// <summary>Runs a command that needs clang-14, ld.lld-14 and mspdebug: without them Inconclusive, or a failure under CI=true.</summary>
    private static (int Code, string Out, string Err) Simulated(params string[] args)
    {
        var run = Cli.Run(args);
        if (run.Err.Contains("a tool is missing", StringComparison.Ordinal))
        {
            Cli.MissingTools("clang-14, lld-14, llvm-14 or mspdebug is not installed.");
        }
        return run;
    }
}
