using System.Text.Json;
using UnIT.ML.Pruning;

namespace UnIT.Cli.Tests;

[TestClass]
public sealed class SweepSearchCommandTests
{
    private static readonly string Calibration = Cli.Asset("data/fashion-mnist/train-55000-55999-images-idx3-ubyte.gz");

    private static string NewFolder() => Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "out");

    private static string[] Sweep(string outDir, params string[] extra) =>
        ["sweep", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "200",
            "--validation-images", Cli.FashionImages, "--validation-labels", Cli.FashionLabels, "--validation-limit", "150",
            "--percentiles", "30,70", "--divisions", "exact,bitshift", "--out", outDir, .. extra];

    [TestMethod]
    public void Sweep_writes_csv_json_and_plots_and_skips_more_at_higher_percentiles()
    {
        string outDir = NewFolder();

        var run = Cli.Run(Sweep(outDir, "--json"));

        Assert.AreEqual(0, run.Code, run.Err);
        foreach (string file in new[] { "sweep.csv", "sweep.json", "sweep-accuracy-vs-macs.png", "sweep-accuracy-vs-cycles.png" })
        {
            Assert.IsTrue(new FileInfo(Path.Combine(outDir, file)).Length > 0, file);
        }
        string csv = File.ReadAllText(Path.Combine(outDir, "sweep.csv"));
        StringAssert.Contains(csv, "bitshift");
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "sweep.json")));
        Assert.IsTrue(json.RootElement.ToString().Contains("exact", StringComparison.Ordinal));
    }

    [TestMethod]
    public void Sweep_refuses_to_overwrite_without_force()
    {
        string outDir = NewFolder();
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "sweep.csv"), "mine");

        var run = Cli.Run(Sweep(outDir));

        StringAssert.Contains(Cli.SingleErrorLine(run), "sweep.csv");
        Assert.AreEqual("mine", File.ReadAllText(Path.Combine(outDir, "sweep.csv")));
    }

    [TestMethod]
    public void Search_writes_thresholds_that_evaluate_can_load()
    {
        string outDir = NewFolder();

        var run = Cli.Run("search", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "200",
            "--validation-images", Cli.FashionImages, "--validation-labels", Cli.FashionLabels, "--validation-limit", "150",
            "--max-accuracy-drop", "0.02", "--budget", "12", "--out", outDir);

        Assert.AreEqual(0, run.Code, run.Err);
        string thresholds = Path.Combine(outDir, "thresholds.json");
        ThresholdSet set = ThresholdSet.Load(thresholds);
        Assert.AreEqual("search", set.Method);
        Assert.AreEqual(3, set.Layers.Count);
        var evaluate = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels,
            "--limit", "50", "--thresholds", thresholds, "--json");
        Assert.AreEqual(0, evaluate.Code, evaluate.Err);
    }
}
