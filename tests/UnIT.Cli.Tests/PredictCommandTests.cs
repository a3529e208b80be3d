using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using UnIT.ML.Data;
using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.Onnx;

namespace UnIT.Cli.Tests;

[TestClass]
public sealed class PredictCommandTests
{
    [TestMethod]
    public void Json_First100FashionImages_MatchOnnxRuntime()
    {
        var run = Cli.Run("predict", Cli.FashionModel, "--images", Cli.FashionImages, "--limit", "100", "--batch-size", "64", "--json");

        Assert.AreEqual(0, run.Code, run.Err);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        float[][] logits = doc.RootElement.GetProperty("logits").EnumerateArray()
            .Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        Assert.HasCount(100, logits);
        Assert.IsTrue(logits.All(r => r.Length == 10));
        SampleSet images = IdxReader.ReadImages(Cli.FashionImages, limit: 100);
        float[] expected = OnnxRuntimeLogits(images);
        float maxDiff = logits.SelectMany(r => r).Zip(expected, (a, b) => Math.Abs(a - b)).Max();
        Assert.IsLessThanOrEqualTo(1e-4f, maxDiff);
        // The JSON numbers parse back to exactly the engine's floats.
        ModelGraph graph = OnnxImporter.Import(Cli.FashionModel);
        float[] engine = new InferenceEngine(graph).Run(images.ToTensor(graph.Input.Shape)).Data;
        CollectionAssert.AreEqual(engine, logits.SelectMany(r => r).ToArray());
    }

    [TestMethod]
    public void Json_Range_GivesRowsInFileOrder()
    {
        var all = Cli.Run("predict", Cli.FashionModel, "--images", Cli.FashionImages, "--limit", "30", "--json");
        var part = Cli.Run("predict", Cli.FashionModel, "--images", Cli.FashionImages, "--range", "10:30", "--json");

        using JsonDocument a = JsonDocument.Parse(all.Out), p = JsonDocument.Parse(part.Out);
        string[] allRows = a.RootElement.GetProperty("logits").EnumerateArray().Select(r => r.GetRawText()).ToArray();
        string[] partRows = p.RootElement.GetProperty("logits").EnumerateArray().Select(r => r.GetRawText()).ToArray();
        CollectionAssert.AreEqual(allRows[10..], partRows);
    }

    [TestMethod]
    public void Table_OfAThousandClasses_ListsOnlyThoseThatOccur()
    {
        // Three samples of a 1,000-class model: classes 7 and 998 predicted, 7 and 500 labelled.
        float[][] rows = [.. new[] { 7, 998, 7 }.Select(c => Enumerable.Range(0, 1000).Select(i => i == c ? 1f : 0f).ToArray())];
        var text = new StringWriter();

        Commands.PredictCommand.WriteSummary(Output.Terminal.For(text), "imagenet", "x.csv", rows, [7, 500, 500]);

        string[] classRows = text.ToString().Split('\n').Where(l => l.StartsWith("│ ", StringComparison.Ordinal) && !l.Contains("class")).ToArray();
        CollectionAssert.AreEqual(new[] { "7", "500", "998" }, classRows.Select(l => l.Split('│', StringSplitOptions.TrimEntries)[1]).ToArray());
        Assert.Contains("1000 classes; those neither predicted nor labelled are left out.", text.ToString());
        Assert.Contains("Accuracy: 33.33% (1 of 3)", text.ToString());
    }

    [TestMethod]
    public void Table_WithLabels_PrintsCountHistogramAndAccuracy()
    {
        var run = Cli.Run("predict", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels);

        Assert.AreEqual(0, run.Code, run.Err);
        Assert.Contains("on 500 samples", run.Out);
        Assert.Contains("predicted", run.Out);
        Assert.Contains("labelled", run.Out);
        string accuracyLine = run.Out.Split('\n').Single(l => l.StartsWith("Accuracy: ", StringComparison.Ordinal));
        double accuracy = double.Parse(accuracyLine["Accuracy: ".Length..accuracyLine.IndexOf('%')], System.Globalization.CultureInfo.InvariantCulture);
        Assert.IsGreaterThan(80.0, accuracy, accuracyLine);
    }

    [TestMethod]
    public void CsvWithFiveColumns_FailsNamingBothSizes()
    {
        string csv = Cli.TempFile("five.csv", "1,2,3,4,5\n6,7,8,9,10\n");

        string line = Cli.SingleErrorLine(Cli.Run("predict", Cli.FashionModel, "--images", csv));

        Assert.Contains("five.csv", line);
        Assert.Contains("5 values", line);
        Assert.Contains("784", line);
        Assert.Contains("784 values", line);
    }

    [TestMethod]
    public void BadRange_IsAUsageErrorNamingTheOption()
    {
        var run = Cli.Run("predict", Cli.FashionModel, "--images", Cli.FashionImages, "--range", "10-20");

        Assert.AreEqual(ExitCodes.Usage, run.Code);
        Assert.StartsWith("error: ", run.Err);
        Assert.Contains("--range '10-20'", run.Err);
        Assert.AreEqual(string.Empty, run.Out);
    }

    [TestMethod]
    public void RangeBeyondTheFile_FailsNamingTheFileAndItsSize()
    {
        string line = Cli.SingleErrorLine(Cli.Run("predict", Cli.FashionModel, "--images", Cli.FashionImages, "--range", "450:600"));

        Assert.Contains("test-500-images-idx3-ubyte.gz", line);
        Assert.Contains("500 samples", line);
    }

    [TestMethod]
    public void LabelsOfAnotherSize_FailsNamingTheLabelFile()
    {
        string labels = Cli.TempFile("labels.csv", "1\n2\n3\n");

        string line = Cli.SingleErrorLine(Cli.Run("predict", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", labels, "--limit", "5"));

        Assert.Contains("labels.csv", line);
    }

    [TestMethod]
    [DataRow("0")]
    [DataRow("many")]
    public void BadLimit_IsAUsageError(string limit)
    {
        var run = Cli.Run("predict", Cli.FashionModel, "--images", Cli.FashionImages, "--limit", limit);

        Assert.AreEqual(ExitCodes.Usage, run.Code);
        Assert.Contains($"--limit '{limit}'", run.Err);
    }

    [TestMethod]
    public void MissingImagesOption_IsAUsageError()
    {
        var run = Cli.Run("predict", Cli.FashionModel);

        Assert.AreEqual(ExitCodes.Usage, run.Code);
        Assert.Contains("--images", run.Err);
        Assert.Contains("unit-prune predict --help", run.Err);
    }

    [TestMethod]
    public void MissingImagesFile_FailsWithOneLineNamingIt()
    {
        string line = Cli.SingleErrorLine(Cli.Run("predict", Cli.FashionModel, "--images", "/no/such/images.gz"));

        Assert.Contains("/no/such/images.gz", line);
    }

    private static float[] OnnxRuntimeLogits(SampleSet images)
    {
        using var session = new InferenceSession(Cli.FashionModel);
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(images.Data.ToArray(), new long[] { images.Count, 1, 28, 28 });
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, ["input"], [input], ["logits"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
