using System.Text.Json;

namespace UnIT.Cli.Tests;

[TestClass]
public sealed class FitScoreCommandTests
{
    private static readonly string Calibration = Cli.Asset("data/fashion-mnist/train-55000-55999-images-idx3-ubyte.gz");

    [TestMethod]
    public void A_fitted_and_saved_model_scores_like_evaluate_with_the_same_thresholds()
    {
        string dir = Path.GetDirectoryName(Cli.TempFile("x", ""))!;
        string zip = Path.Combine(dir, "model.zip"), thresholds = Path.Combine(dir, "t.json"), logits = Path.Combine(dir, "l.json");

        var fit = Cli.Run("fit", Cli.FashionModel, "--calibration-images", Calibration, "--percentile", "50", "--save", zip);
        Assert.AreEqual(0, fit.Code, fit.Err);
        var score = Cli.Run("score", zip, "--images", Cli.FashionImages, "--limit", "50", "--json");
        Assert.AreEqual(0, score.Code, score.Err);
        var evaluate = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "50",
            "--calibration-images", Calibration, "--percentile", "50", "--save-thresholds", thresholds, "--logits-out", logits, "--json");
        Assert.AreEqual(0, evaluate.Code, evaluate.Err);

        JsonElement scored = JsonDocument.Parse(score.Out).RootElement;
        JsonElement evaluated = JsonDocument.Parse(File.ReadAllText(logits)).RootElement;
        Assert.AreEqual(evaluated.GetProperty("logits").GetRawText(), scored.GetProperty("logits").GetRawText());
        JsonElement macs = scored.GetProperty("macs");
        Assert.AreEqual(50L * 242_560, macs.GetProperty("total").GetInt64());
        Assert.AreEqual(JsonDocument.Parse(evaluate.Out).RootElement.GetProperty("macs").GetRawText(), macs.GetRawText());
        // The zip is written whole and renamed into place: no temporary or lock file is left next to it.
        CollectionAssert.AreEquivalent(new[] { "model.zip", "t.json", "l.json", "x" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).ToArray());

        // Samples of the wrong size fail with the scorer's own message, not ML.NET's worker wrapper.
        string line = Cli.SingleErrorLine(Cli.Run("score", zip, "--images", Cli.TempFile("five.csv", "1,2,3,4,5\n6,7,8,9,10\n")));
        Assert.Contains("784", line);
        Assert.Contains("784", line);
        Assert.DoesNotContain("Splitter", line);
        Assert.DoesNotContain("Exception", line);
    }

    [TestMethod]
    public void Fit_with_bias_correction_saves_a_model_whose_thresholds_carry_the_corrections()
    {
        string zip = Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "model.zip");

        var fit = Cli.Run("fit", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "200", "--percentile", "60", "--bias-correction", "--save", zip);

        Assert.AreEqual(0, fit.Code, fit.Err);
        var loaded = UnIT.ML.MLNet.UnitPruningTransformer.FromLoadedModel(new Microsoft.ML.MLContext(seed: 0).Model.Load(zip, out _));
        Assert.IsNotNull(loaded.Thresholds.BiasCorrections);
        Assert.AreEqual(3, loaded.Thresholds.BiasCorrections.Count);
    }

    [TestMethod]
    public void Score_rejects_a_file_that_is_not_a_saved_model()
    {
        var run = Cli.Run("score", Cli.FashionModel, "--images", Cli.FashionImages);

        StringAssert.Contains(Cli.SingleErrorLine(run), "is not an ML.NET model zip");
    }

    [TestMethod]
    public void Score_refuses_a_zip_bomb_before_ml_net_unpacks_it()
    {
        string zip = Path.Combine(Path.GetTempPath(), $"unit-bomb-{Guid.NewGuid():N}.zip");
        using (System.IO.Compression.ZipArchive archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Create))
        using (Stream entry = archive.CreateEntry("TransformerChain/Model.key", System.IO.Compression.CompressionLevel.SmallestSize).Open())
        {
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++)
            {
                entry.Write(zeros);
            }
        }
        try
        {
            string line = Cli.SingleErrorLine(Cli.Run("score", zip, "--images", Cli.FashionImages, "--limit", "5"));

            Assert.Contains("TransformerChain/Model.key", line);
        }
        finally
        {
            File.Delete(zip);
        }
    }
}
