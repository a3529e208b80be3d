using System.Text.Json;

namespace UnIT.Cli.Tests;

/// <summary><c>m4-bench</c>: the max78000 C on a Cortex-M4F in QEMU (its refusal of other profiles: <see cref="McuBenchCommandTests"/>).</summary>
[TestClass]
public sealed class M4BenchCommandTests
{
    [TestMethod]
    public void Json_reports_instructions_of_both_builds_and_bit_identical_logits()
    {
        NeedTools();
        var run = Cli.Run("m4-bench", Cli.FashionModel, "--calibration-images", Cli.FashionImages, "--calibration-limit", "20",
            "--percentile", "50", "--images", Cli.FashionImages, "--limit", "1", "--json");

        Assert.AreEqual(0, run.Code, run.Err);
        JsonElement json = JsonDocument.Parse(run.Out).RootElement;
        Assert.IsTrue(json.GetProperty("logits_match").GetBoolean());
        Assert.AreEqual(1, json.GetProperty("images").GetInt32());
        Assert.IsGreaterThan(100_000.0, json.GetProperty("dense_instructions").GetDouble());
        Assert.IsGreaterThan(100_000.0, json.GetProperty("pruned_instructions").GetDouble());
        JsonElement[] layers = [.. json.GetProperty("layers").EnumerateArray()];
        double nodes = layers.Sum(l => l.GetProperty("pruned_instructions").GetDouble());
        Assert.IsTrue(nodes <= json.GetProperty("pruned_instructions").GetDouble() && nodes >= 0.99 * json.GetProperty("pruned_instructions").GetDouble(), $"nodes {nodes}");
        // calibrated-m4 prices every node of this model; UnIT leaves the cost of a node that is no Conv or Gemm as it was.
        foreach (JsonElement layer in layers)
        {
            string name = layer.GetProperty("name").GetString()!;
            Assert.AreEqual(JsonValueKind.Number, layer.GetProperty("estimated_pruned").ValueKind, name);
            if (layer.GetProperty("op").GetString() is not ("Conv2d" or "Gemm"))
            {
                Assert.AreEqual(layer.GetProperty("estimated_dense").GetDouble(), layer.GetProperty("estimated_pruned").GetDouble(), name);
            }
        }
        Assert.AreEqual(layers.Sum(l => l.GetProperty("estimated_pruned").ValueKind == JsonValueKind.Number ? l.GetProperty("estimated_pruned").GetDouble() : 0),
            json.GetProperty("estimated_pruned_instructions").GetDouble(), 1e-6);
    }

    [TestMethod]
    public void The_calibrated_table_prices_a_build_as_QEMU_counts_it_and_its_dense_loops_match_the_engine()
    {
        NeedTools();
        string folder = Path.GetDirectoryName(Cli.TempFile("x", ""))!;
        string atZero = Path.Combine(folder, "m4-threshold-zero.json"), chosen = Path.Combine(folder, "m4-dense-loops.json"),
            high = Path.Combine(folder, "m4-p90.json");
        string calibration = Cli.Asset("data/fashion-mnist/train-55000-55999-images-idx3-ubyte.gz");
        JsonElement Evaluate(params string[] args)
        {
            var run = Cli.Run(["evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "2",
                "--calibration-images", calibration, "--calibration-limit", "50", "--profile", "max78000", "--cost-table", "calibrated-m4", "--force", "--json", .. args]);
            Assert.AreEqual(0, run.Code, run.Err);
            return JsonDocument.Parse(run.Out).RootElement;
        }
        JsonElement Bench(string thresholds)
        {
            var run = Cli.Run("m4-bench", Cli.FashionModel, "--thresholds", thresholds, "--images", Cli.FashionImages, "--limit", "2", "--json");
            Assert.AreEqual(0, run.Code, run.Err);
            return JsonDocument.Parse(run.Out).RootElement;
        }

        JsonElement plain = Evaluate("--percentile", "0", "--save-thresholds", atZero);
        JsonElement dense = Evaluate("--percentile", "50", "--dense-where-cheaper", "--save-thresholds", chosen);
        Evaluate("--percentile", "90", "--save-thresholds", high);
        JsonElement plainRun = Bench(atZero), denseRun = Bench(chosen), highRun = Bench(high);

        // Threshold 0 everywhere: the engine's uncounted float run takes its dense fast path, which sums in another order;
        // m4-bench must compare the C with the kernel the C runs.
        Assert.IsTrue(plainRun.GetProperty("logits_match").GetBoolean(), "every layer at threshold 0");
        double estimated = plain.GetProperty("cycles").GetProperty("pruned").GetDouble(), measured = plainRun.GetProperty("pruned_instructions").GetDouble();
        // The table prices every node; its largest error on whole UnIT builds is 1.8 % (CostTable.CortexM4Instructions), on the
        // dense builds 3.4 %; the flat table before the list prices, 17.5 %.
        Assert.IsLessThan(0.05, Math.Abs(estimated / measured - 1), $"estimated {estimated:N0}, QEMU {measured:N0} instructions");
        double estimatedDense = plainRun.GetProperty("estimated_dense_instructions").GetDouble(), measuredDense = plainRun.GetProperty("dense_instructions").GetDouble();
        Assert.IsLessThan(0.05, Math.Abs(estimatedDense / measuredDense - 1), $"dense: estimated {estimatedDense:N0}, QEMU {measuredDense:N0} instructions");
        Assert.IsTrue(plainRun.GetProperty("layers").EnumerateArray().Where(l => l.GetProperty("op").GetString() is "Relu" or "MaxPool")
            .All(l => l.GetProperty("estimated_pruned").ValueKind == JsonValueKind.Number), "activations and pools are priced");
        Assert.IsLessThan(1.0, plain.GetProperty("speedup").GetDouble(), "the normalized input has no zeros: the lists cost and skip nothing");

        // At p = 50 the lists still cost more than they save in every layer of this model, so the build runs as dense.
        string[] layers = [.. dense.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()!)];
        CollectionAssert.AreEquivalent(layers, dense.GetProperty("thresholds").GetProperty("dense_layers").EnumerateArray().Select(e => e.GetString()).ToArray());
        Assert.IsTrue(denseRun.GetProperty("logits_match").GetBoolean(), "every layer by the dense loop");
        Assert.AreEqual(denseRun.GetProperty("dense_instructions").GetDouble(), denseRun.GetProperty("pruned_instructions").GetDouble(),
            0.01 * denseRun.GetProperty("dense_instructions").GetDouble());

        // At p = 90 the sorted lists skip without visiting: the UnIT build runs fewer instructions than the dense one (0.65 of
        // them on 5 images with 300 calibration images; docs/deployment.md).
        Assert.IsTrue(highRun.GetProperty("logits_match").GetBoolean(), "p = 90");
        Assert.IsLessThan(0.8 * highRun.GetProperty("dense_instructions").GetDouble(), highRun.GetProperty("pruned_instructions").GetDouble());
    }

    private static void NeedTools()
    {
        string[] path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator);
        if (!new[] { "arm-none-eabi-gcc", "qemu-system-arm" }.All(t => path.Any(d => File.Exists(Path.Combine(d, t)))))
        {
            Cli.MissingTools("arm-none-eabi-gcc or qemu-system-arm is not installed (Debian: gcc-arm-none-eabi qemu-system-arm).");
        }
    }
}
