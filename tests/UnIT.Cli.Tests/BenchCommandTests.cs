using System.Text.Json;

namespace UnIT.Cli.Tests;

/// <summary><c>bench</c> runs every engine it names on the same images and reports a time for each (the figures themselves are not asserted: they are speed).</summary>
[TestClass]
public sealed class BenchCommandTests
{
    [TestMethod]
    public void Bench_times_every_engine_including_the_compensated_one()
    {
        var run = Cli.Run("bench", Cli.FashionModel, "--images", Cli.FashionImages, "--limit", "16",
            "--calibration-images", Cli.FashionImages, "--calibration-limit", "32", "--repeat", "1", "--json");

        Assert.AreEqual(0, run.Code, run.Err);
        JsonElement report = JsonDocument.Parse(run.Out).RootElement;
        Assert.AreEqual(16, report.GetProperty("samples").GetInt32());
        foreach (string engine in new[] { "ort_dense_ms", "dense_ms", "pruned_ms", "pruned_no_statistics_ms", "compensated_no_statistics_ms", "pruned_list_counts_ms", "msp430_ms", "mlnet_onnx_ms", "mlnet_unit_ms" })
        {
            Assert.IsGreaterThan(0.0, report.GetProperty(engine).GetDouble(), engine);
        }
        JsonElement[] points = [.. report.GetProperty("approximators").EnumerateArray()];
        Assert.HasCount(12, points, "p = 30, 50, 70 with four divisions each");
        double[] exact = [.. points.Where(p => p.GetProperty("division").GetString() == "exact").Select(p => p.GetProperty("skipped_fraction").GetDouble())];
        Assert.IsTrue(exact[0] < exact[1] && exact[1] < exact[2], $"higher percentiles skip more: {string.Join(", ", exact)}");
    }
}
