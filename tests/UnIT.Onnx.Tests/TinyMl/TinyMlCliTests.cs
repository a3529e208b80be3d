using System.Globalization;
using System.Text;
using System.Text.Json;
using UnIT.Cli;
using UnIT.Onnx.Tests.Helpers;

namespace UnIT.Onnx.Tests.TinyMl;

/// <summary>
/// The command line on a saved DAG model: ResNet-8's topology (residual adds, 1x1 stride-2 shortcuts) on
/// 8x8 images, to keep the suite fast, written as an ONNX file with small seeded CSV data sets, through
/// evaluate, fit and search in every profile. docs/tinyml-models.md runs the full-size models the same way.
/// </summary>
[TestClass]
public sealed class TinyMlCliTests
{
    private const int Classes = 10, Side = 8;

    public static IEnumerable<object[]> Profiles => UnIT.ML.Targets.TargetProfile.Names.Select(p => new object[] { p });

    [TestMethod]
    [DynamicData(nameof(Profiles))]
    public void EvaluateFitAndSearchRunOnTheSavedResidualNetwork(string profile)
    {
        TinyMlModel model = TinyMlModels.ResNet8(side: Side);
        using var folder = new TempFolder();
        string onnx = Path.Combine(folder.Path, "resnet8.onnx");
        File.WriteAllBytes(onnx, model.Model);
        string calibration = Csv(folder, "calibration.csv", 2, seed: 1);
        string images = Csv(folder, "images.csv", 3, seed: 2), labels = Labels(folder, "labels.csv", 3, seed: 3);

        JsonElement evaluated = Run("evaluate", onnx, "--images", images, "--labels", labels, "--calibration-images", calibration,
            "--percentile", "50", "--profile", profile, "--json");
        Assert.AreEqual(profile, evaluated.GetProperty("profile").GetString());
        JsonElement macs = evaluated.GetProperty("macs");
        Assert.AreEqual(3 * model.ExpectedMacs, macs.GetProperty("total").GetInt64());
        Assert.IsGreaterThan(0L, macs.GetProperty("skipped_threshold").GetInt64());
        Assert.AreEqual(model.LayerMacs.Count, evaluated.GetProperty("layers").GetArrayLength());

        string zip = Path.Combine(folder.Path, "resnet8.zip");
        Run("fit", onnx, "--calibration-images", calibration, "--percentile", "50", "--profile", profile, "--save", zip);
        Assert.IsTrue(new FileInfo(zip).Length > 0, "fit wrote no model");

        string outDir = Path.Combine(folder.Path, "search");
        Run("search", onnx, "--calibration-images", calibration, "--validation-images", images, "--validation-labels", labels,
            "--max-accuracy-drop", "0.5", "--budget", "2", "--profile", profile, "--out", outDir, "--json");
        using JsonDocument thresholds = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "thresholds.json")));
        CollectionAssert.AreEquivalent(model.LayerMacs.Keys.ToArray(),
            thresholds.RootElement.GetProperty("layers").EnumerateObject().Select(p => p.Name).ToArray());
    }

    private static JsonElement Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        Assert.AreEqual(0, code, $"{args[0]} failed: {stderr}");
        string text = stdout.ToString();
        return text.TrimStart().StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : default;
    }

    /// <summary>Seeded samples in [0, 1), one 3xSidexSide image per row.</summary>
    private static string Csv(TempFolder folder, string name, int rows, int seed)
    {
        int size = 3 * Side * Side;
        float[] values = TestData.Uniform(rows * size, seed, 0f, 1f);
        var text = new StringBuilder();
        for (int r = 0; r < rows; r++)
        {
            text.AppendJoin(',', values[(r * size)..((r + 1) * size)].Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }
        string path = Path.Combine(folder.Path, name);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static string Labels(TempFolder folder, string name, int rows, int seed)
    {
        var random = new Random(seed);
        string path = Path.Combine(folder.Path, name);
        File.WriteAllLines(path, Enumerable.Range(0, rows).Select(_ => random.Next(Classes).ToString(CultureInfo.InvariantCulture)));
        return path;
    }
}
