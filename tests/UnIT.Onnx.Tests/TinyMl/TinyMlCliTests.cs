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
        int size = 3 * Side * Side;
        string calibration = TinyMlData.Csv(Path.Combine(folder.Path, "calibration.csv"), 2, size, seed: 1);
        string images = TinyMlData.Csv(Path.Combine(folder.Path, "images.csv"), 3, size, seed: 2);
        string labels = TinyMlData.Labels(Path.Combine(folder.Path, "labels.csv"), 3, Classes, seed: 3);

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
}
