using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using UnIT.ML.Data;
using UnIT.ML.Evaluation;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using static UnIT.ML.Tests.MLNet.FashionMnistViews;

namespace UnIT.ML.Tests.MLNet;

/// <summary>
/// Reads the executed copy of examples/notebook/fashion_mnist.ipynb (written by .ci/run with dotnet-repl, from the
/// locally packed packages) and checks the numbers in its outputs against the library's own evaluation on the
/// same shipped data and model.
/// </summary>
[TestClass]
public sealed partial class NotebookOutputTests
{
    private const int TestImages = 500;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static Notebook? s_notebook;

    // The library's side, computed once for all tests: data, model, dense logits and the p = 50 evaluation.
    private static readonly Lazy<Reference> s_reference = new(Reference.Compute);

    /// <summary>The executed notebook: $UNIT_EXECUTED_NOTEBOOK, else artifacts/notebook/fashion_mnist.executed.ipynb in the repository.</summary>
    private static Notebook Executed
    {
        get
        {
            if (s_notebook is not null)
            {
                return s_notebook;
            }
            string path = Environment.GetEnvironmentVariable("UNIT_EXECUTED_NOTEBOOK") is { Length: > 0 } set
                ? set
                : Path.Combine(RepositoryRoot(), "artifacts", "notebook", "fashion_mnist.executed.ipynb");
            if (!File.Exists(path))
            {
                throw Prerequisite.Missing($"The executed notebook {path} is missing: .ci/run packs the packages and runs examples/notebook/fashion_mnist.ipynb with dotnet-repl to make it.");
            }
            return s_notebook = new Notebook(File.ReadAllText(path));
        }
    }

    [TestMethod]
    public void EveryCodeCellRanWithoutAnError()
    {
        Notebook notebook = Executed;

        Assert.IsEmpty(notebook.Errors, string.Join("\n", notebook.Errors));
        Assert.IsGreaterThanOrEqualTo(8, notebook.CodeCells);
    }

    [TestMethod]
    public void EvaluationTableMatchesTheLibrarysEvaluateDenseAndAtPercentile50()
    {
        // Arrange
        List<string[]> rows = Executed.Table("evaluation");

        // Act: the library's own evaluation of the same model, data and percentile.
        EvaluationResult result = s_reference.Value.AtPercentile50;

        // Assert: ApplyOnnxModel (ONNX Runtime) classifies as the dense engine; the ML.NET pipeline as Evaluate.
        Assert.HasCount(2, rows);
        Assert.AreEqual("ApplyOnnxModel (dense)", rows[0][0]);
        Assert.AreEqual(Correct(result.Dense), int.Parse(rows[0][2], Invariant));
        Assert.AreEqual("UnIT p=50", rows[1][0]);
        Assert.AreEqual(Correct(result.Pruned), int.Parse(rows[1][2], Invariant));
        Assert.AreEqual(result.Pruned.Accuracy.ToString("F4", Invariant), rows[1][1]);
        Assert.AreEqual(result.Statistics.SkippedZero + result.Statistics.SkippedThreshold, long.Parse(rows[1][4], Invariant));
        Assert.AreEqual(result.Statistics.Executed / TestImages, long.Parse(rows[1][6], Invariant));
    }

    [TestMethod]
    public void PerLayerTableMatchesTheLibrarysStatisticsAtPercentile50()
    {
        List<string[]> rows = Executed.Table("layers");

        EvaluationResult result = s_reference.Value.AtPercentile50;

        Assert.HasCount(result.Statistics.Layers.Count, rows);
        foreach (string[] row in rows)
        {
            LayerStatistics layer = result.Statistics.For(row[0]);
            Assert.AreEqual(layer.Total / TestImages, long.Parse(row[1], Invariant), row[0]);
            Assert.AreEqual((100.0 * (layer.SkippedZero + layer.SkippedThreshold) / layer.Total).ToString("F1", Invariant), row[4], row[0]);
            Assert.AreEqual(result.Thresholds.Layers[row[0]][0].ToString("G4", Invariant), row[5], row[0]);
        }
    }

    [TestMethod]
    public void SweepTableMatchesTheLibrarysEvaluateAtEveryPercentile()
    {
        // Arrange
        List<string[]> rows = Executed.Table("sweep");
        Reference reference = s_reference.Value;

        Assert.IsGreaterThanOrEqualTo(5, rows.Count);
        foreach (string[] row in rows)
        {
            // Act
            double percentile = double.Parse(row[1], Invariant);
            EvaluationResult result = percentile == 50 ? reference.AtPercentile50 : reference.Evaluate(percentile);
            double skippedPerImage = (double)(result.Statistics.SkippedZero + result.Statistics.SkippedThreshold) / TestImages;

            // Assert
            Assert.AreEqual(Correct(result.Pruned), int.Parse(row[4], Invariant), $"p={percentile}");
            Assert.AreEqual((100 * result.Statistics.SkippedFraction).ToString("F1", Invariant), row[6], $"p={percentile}");
            Assert.AreEqual(skippedPerImage.ToString("F1", Invariant), row[7], $"p={percentile}");
        }
    }

    [TestMethod]
    public void PlotIsAnInlinePngOfTheRequestedSize()
    {
        byte[] png = Convert.FromBase64String(Executed.Pngs.Single());

        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.AreEqual(900, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.AreEqual(560, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }

    [TestMethod]
    public void SavedModelScoresAsTheChosenSweepPointBeforeAndAfterLoading()
    {
        string[] saved = Executed.Table("saved").Single();
        string[] point = Executed.Table("sweep").Single(r => r[1] == saved[0]);
        List<string[]> predictions = Executed.Table("predictions");

        Assert.AreEqual(point[3], saved[1], "The final pipeline uses the chosen point's thresholds.");
        Assert.AreEqual(saved[1], saved[2], "Save and load change nothing.");
        Assert.IsLessThanOrEqualTo(1.0, double.Parse(point[5], Invariant), "The chosen point loses at most one point of accuracy.");
        Assert.IsNotEmpty(predictions);
        Assert.IsTrue(predictions.All(r => r[2].Length > 1 && !int.TryParse(r[2], out _)), "PredictedName holds class names.");
    }

    private static int Correct(ClassificationMetrics metrics) => (int)Math.Round(metrics.Accuracy * metrics.Samples);

    private static string RepositoryRoot([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "..", ".."));

    [GeneratedRegex("<tr>(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex RowPattern();

    [GeneratedRegex("<td>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex CellPattern();

    /// <summary>The shipped model and data, evaluated by the library itself.</summary>
    private sealed class Reference
    {
        private readonly ModelGraph _graph;
        private readonly SampleSet _calibration;
        private readonly SampleSet _test;
        private readonly float[] _dense;

        private Reference(ModelGraph graph, SampleSet calibration, SampleSet test)
        {
            _graph = graph;
            _calibration = calibration;
            _test = test;
            _dense = Evaluator.DenseLogits(graph, test.ToTensor(graph.Input.Shape));
            AtPercentile50 = Evaluate(50);
        }

        public EvaluationResult AtPercentile50 { get; }

        public static Reference Compute()
        {
            string data = Asset("data", "fashion-mnist");
            SampleSet calibration = DatasetLoader.Load(Path.Combine(data, "train-55000-55999-images-idx3-ubyte.gz"), Path.Combine(data, "train-55000-55999-labels-idx1-ubyte.gz"));
            SampleSet test = DatasetLoader.Load(Path.Combine(data, "test-500-images-idx3-ubyte.gz"), Path.Combine(data, "test-500-labels-idx1-ubyte.gz"));
            Assert.AreEqual(TestImages, test.Count);
            return new Reference(Model(), calibration, test);
        }

        /// <summary>Calibrates at <paramref name="percentile"/> on the 1,000 calibration images (batches of 64, as the notebook) and evaluates on the 500 test images.</summary>
        public EvaluationResult Evaluate(double percentile)
        {
            PrunedModel model = PrunedModel.Create(_graph, new PruningOptions { Percentile = percentile }, _calibration.Batches(_graph.Input.Shape, 64));
            return Evaluator.Evaluate(model, _test.ToTensor(_graph.Input.Shape), _test.Labels!, _dense);
        }
    }

    /// <summary>The outputs of an executed .ipynb: its HTML tables (by id), inline PNGs and errors.</summary>
    private sealed class Notebook
    {
        private readonly List<string> _html = [];

        public Notebook(string json)
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            foreach (JsonElement cell in doc.RootElement.GetProperty("cells").EnumerateArray())
            {
                if (cell.GetProperty("cell_type").GetString() != "code")
                {
                    continue;
                }
                CodeCells++;
                foreach (JsonElement output in cell.GetProperty("outputs").EnumerateArray())
                {
                    if (output.GetProperty("output_type").GetString() == "error")
                    {
                        Errors.Add($"{output.GetProperty("ename").GetString()}: {output.GetProperty("evalue").GetString()}");
                    }
                    else if (output.TryGetProperty("data", out JsonElement data))
                    {
                        if (data.TryGetProperty("text/html", out JsonElement html))
                        {
                            _html.Add(Text(html));
                        }
                        if (data.TryGetProperty("image/png", out JsonElement png))
                        {
                            Pngs.Add(Text(png));
                        }
                    }
                }
            }
        }

        public int CodeCells { get; }

        public List<string> Errors { get; } = [];

        public List<string> Pngs { get; } = [];

        /// <summary>The body rows of the table with this id, cells HTML-decoded.</summary>
        public List<string[]> Table(string id)
        {
            string start = $"<table id=\"{id}\">";
            string html = _html.SingleOrDefault(h => h.Contains(start, StringComparison.Ordinal))
                ?? throw new AssertFailedException($"The executed notebook has no table with id '{id}'.");
            int from = html.IndexOf(start, StringComparison.Ordinal);
            string table = html[from..(html.IndexOf("</table>", from, StringComparison.Ordinal) + "</table>".Length)];
            string body = table[table.IndexOf("<tbody>", StringComparison.Ordinal)..];
            return RowPattern().Matches(body)
                .Select(row => CellPattern().Matches(row.Groups[1].Value).Select(c => WebUtility.HtmlDecode(c.Groups[1].Value)).ToArray())
                .ToList();
        }

        /// <summary>Jupyter stores multi-line text as an array of lines, or as one string.</summary>
        private static string Text(JsonElement value) =>
            value.ValueKind == JsonValueKind.Array ? string.Concat(value.EnumerateArray().Select(l => l.GetString())) : value.GetString() ?? "";
    }
}
