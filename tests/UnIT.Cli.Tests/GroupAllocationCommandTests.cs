using UnIT.ML.Pruning;

namespace UnIT.Cli.Tests;

/// <summary><c>search --group-wise --group-allocation</c> end to end.</summary>
[TestClass]
public sealed class GroupAllocationCommandTests
{
    private static string[] Search(string outDir, params string[] extra) =>
        ["search", Cli.FashionModel, "--calibration-images", Cli.Asset("data/fashion-mnist/train-55000-55999-images-idx3-ubyte.gz"), "--calibration-limit", "100",
            "--validation-images", Cli.FashionImages, "--validation-labels", Cli.FashionLabels, "--validation-limit", "100",
            "--max-accuracy-drop", "0.02", "--budget", "6", "--out", outDir, .. extra];

    [TestMethod]
    public void Equal_error_allocation_writes_one_threshold_per_channel_or_neuron()
    {
        string outDir = Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "out");

        var run = Cli.Run(Search(outDir, "--group-wise", "--group-allocation", "error"));

        Assert.AreEqual(0, run.Code, run.Err);
        ThresholdSet set = ThresholdSet.Load(Path.Combine(outDir, "thresholds.json"));
        Assert.IsTrue(set.GroupWise);
        Assert.IsTrue(set.Layers.Values.All(t => t.Length > 1), "per-group thresholds in every layer");
    }

    [TestMethod]
    public void Sensitivity_allocation_with_bias_correction_saves_per_channel_thresholds_and_their_corrections()
    {
        string outDir = Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "out");

        var run = Cli.Run(Search(outDir, "--group-wise", "--group-allocation", "sensitivity", "--bias-correction"));

        Assert.AreEqual(0, run.Code, run.Err);
        ThresholdSet set = ThresholdSet.Load(Path.Combine(outDir, "thresholds.json"));
        Assert.IsTrue(set.Layers.Values.All(t => t.Length > 1), "per-group thresholds in every layer");
        Assert.IsNotNull(set.BiasCorrections, "the corrections travel with the thresholds");
        CollectionAssert.AreEquivalent(set.Layers.Keys.ToArray(), set.BiasCorrections.Keys.ToArray());
        Assert.IsTrue(set.BiasCorrections.Values.SelectMany(c => c).Any(c => c != 0), "a search that skips MACs has something to correct");
    }

    [TestMethod]
    public void Unknown_allocation_is_one_line_naming_the_option()
    {
        string outDir = Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "out");

        string line = Cli.SingleErrorLine(Cli.Run(Search(outDir, "--group-wise", "--group-allocation", "mass")), ExitCodes.Usage);

        Assert.Contains("--group-allocation", line);
        Assert.IsFalse(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any());
        StringAssert.Contains(Cli.SingleErrorLine(Cli.Run(Search(outDir, "--group-allocation", "error")), ExitCodes.Usage), "needs --group-wise");
        StringAssert.Contains(Cli.SingleErrorLine(Cli.Run(Search(outDir, "--group-allocation", "sensitivity")), ExitCodes.Usage), "needs --group-wise");
    }
}
