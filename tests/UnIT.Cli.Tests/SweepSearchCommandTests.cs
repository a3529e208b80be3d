using System.Globalization;
using System.Text.Json;
using UnIT.ML.Pruning;
using UnIT.Reports;

namespace UnIT.Cli.Tests;

[TestClass]
public sealed class SweepSearchCommandTests
{
    private static readonly string Calibration = Cli.Asset("data/fashion-mnist/train-55000-55999-images-idx3-ubyte.gz");

    private static readonly string[] SweepFiles = ["sweep.csv", "sweep.json", "sweep-accuracy-vs-macs.png", "sweep-accuracy-vs-cycles.png"];

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
        // Exactly the four reports: no temporary file, no lock file left behind.
        CollectionAssert.AreEquivalent(SweepFiles, Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName).ToArray());
        foreach (string file in SweepFiles)
        {
            Assert.IsTrue(new FileInfo(Path.Combine(outDir, file)).Length > 0, file);
        }
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "sweep.json")));
        JsonElement[] unit = json.RootElement.GetProperty("points").EnumerateArray()
            .Where(p => p.GetProperty("coordinates").GetProperty("kind").GetString() == "unit").ToArray();
        string[][] csv = File.ReadAllLines(Path.Combine(outDir, "sweep.csv")).Select(l => l.Split(',')).ToArray();
        int Column(string name) => Array.IndexOf(csv[0], name);
        string[][] csvUnit = csv[1..].Where(r => r[Column("kind")] == "Unit").ToArray();
        // The CSV and the JSON describe the same points.
        Assert.HasCount(unit.Length, csvUnit);
        foreach (string division in new[] { "exact", "bitshift" })
        {
            JsonElement[] series = unit.Where(p => p.GetProperty("coordinates").GetProperty("division").GetString() == division)
                .OrderBy(p => p.GetProperty("coordinates").GetProperty("percentile").GetDouble()).ToArray();
            CollectionAssert.AreEqual(new[] { 30.0, 70.0 }, series.Select(p => p.GetProperty("coordinates").GetProperty("percentile").GetDouble()).ToArray(), division);
            double[] skipped = series.Select(p => p.GetProperty("macs_skipped_threshold").GetDouble()).ToArray();
            for (int i = 1; i < skipped.Length; i++)
            {
                Assert.IsGreaterThan(skipped[i - 1], skipped[i], $"{division}: MACs skipped by threshold must grow with the percentile: {string.Join(", ", skipped)}");
            }
            double[] csvSkipped = csvUnit.Where(r => r[Column("division")] == division)
                .OrderBy(r => double.Parse(r[Column("percentile")], CultureInfo.InvariantCulture))
                .Select(r => double.Parse(r[Column("macs_skipped_threshold")], CultureInfo.InvariantCulture)).ToArray();
            CollectionAssert.AreEqual(skipped, csvSkipped, division);
        }
        foreach (JsonElement point in json.RootElement.GetProperty("points").EnumerateArray())
        {
            foreach (string metric in new[] { "accuracy", "dense_accuracy", "skipped_fraction" })
            {
                double value = point.GetProperty(metric).GetDouble();
                Assert.IsTrue(value is >= 0 and <= 1, $"{metric} = {value}");
            }
            Assert.IsGreaterThan(0.5, point.GetProperty("dense_accuracy").GetDouble(), "the trained model is far better than chance");
        }
    }

    [TestMethod]
    public void Sweep_corrections_apply_to_every_UnIT_point_and_are_counted_and_correction_samples_need_one()
    {
        string plainDir = NewFolder(), correctedDir = NewFolder() + "-corrected";

        var plain = Cli.Run(Sweep(plainDir, "--json"));
        var corrected = Cli.Run(Sweep(correctedDir, "--json", "--skip-compensation", "--bias-correction", "--correction-samples", "100"));
        string error = Cli.SingleErrorLine(Cli.Run(Sweep(NewFolder() + "-refused", "--correction-samples", "100")), ExitCodes.Usage);

        Assert.AreEqual(0, plain.Code, plain.Err);
        Assert.AreEqual(0, corrected.Code, corrected.Err);
        StringAssert.Contains(error, "--correction-samples");
        string[][] Rows(string dir) => File.ReadAllLines(Path.Combine(dir, "sweep.csv")).Select(l => l.Split(',')).ToArray();
        string[][] a = Rows(plainDir), b = Rows(correctedDir);
        CollectionAssert.AreEqual(a[0], b[0], "the same columns");
        int Column(string name) => Array.IndexOf(a[0], name);
        double Value(string[] row, string name) => double.Parse(row[Column(name)], CultureInfo.InvariantCulture);
        Assert.HasCount(a.Length, b);
        for (int i = 1; i < a.Length; i++)
        {
            bool unit = a[i][Column("kind")] == "Unit";
            Assert.AreEqual(0d, Value(a[i], "macs_compensated"), "a plain sweep compensates nothing");
            Assert.AreEqual(unit ? Value(b[i], "macs_skipped_threshold") : 0d, Value(b[i], "macs_compensated"), 1e-9,
                $"row {i}: every threshold skip of a UnIT point is compensated, a baseline has none");
            Assert.AreEqual(unit, b[i][Column("series")].Contains("skip-compensated bias-corrected", StringComparison.Ordinal), b[i][Column("series")]);
        }
        Assert.IsTrue(Enumerable.Range(1, a.Length - 1).Any(i => Value(a[i], "accuracy") != Value(b[i], "accuracy")), "the corrections change some accuracy");
    }

    [TestMethod]
    public void Sweep_into_a_folder_another_command_is_writing_is_refused()
    {
        string outDir = NewFolder();
        string line;
        string?[] left;
        using (OutputFolder.Prepare(outDir, force: false, ["other.csv"]))
        {
            line = Cli.SingleErrorLine(Cli.Run(Sweep(outDir, "--force")));
            left = Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName).ToArray();
        }

        Assert.Contains("in use", line);
        Assert.Contains(outDir, line);
        CollectionAssert.AreEqual(new[] { OutputFolder.LockFileName }, left, "the refused sweep wrote nothing");
    }

    [TestMethod]
    public void Evaluate_writing_into_a_folder_another_command_is_writing_is_refused()
    {
        string dir = Path.GetDirectoryName(Cli.TempFile("x", ""))!;
        string line;
        using (OutputFolder.Prepare(dir, force: false, ["other.csv"]))
        {
            line = Cli.SingleErrorLine(Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels,
                "--calibration-images", Calibration, "--limit", "20", "--logits-out", Path.Combine(dir, "l.json")));
        }

        Assert.Contains("in use", line);
        Assert.IsFalse(File.Exists(Path.Combine(dir, "l.json")));
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
    public void Division_settings_without_their_division_are_a_usage_error_naming_the_option()
    {
        var sweep = Cli.Run("sweep", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "50",
            "--validation-images", Cli.FashionImages, "--validation-labels", Cli.FashionLabels, "--validation-limit", "50",
            "--percentiles", "30", "--divisions", "exact", "--bitshift-start", "2", "--out", NewFolder());
        Assert.AreNotEqual(0, sweep.Code);
        StringAssert.Contains(sweep.Err, "--bitshift-start");

        var search = Cli.Run("search", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "50",
            "--validation-images", Cli.FashionImages, "--validation-labels", Cli.FashionLabels, "--validation-limit", "50",
            "--max-accuracy-drop", "0.02", "--calibrate-binarytree", "--out", NewFolder());
        Assert.AreNotEqual(0, search.Code);
        StringAssert.Contains(search.Err, "--calibrate-binarytree");
    }

    [TestMethod]
    public void Search_warns_when_its_test_samples_are_its_validation_samples()
    {
        var run = Cli.Run("search", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "50",
            "--validation-images", Cli.FashionImages, "--validation-labels", Cli.FashionLabels, "--validation-limit", "80",
            "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "100",
            "--max-accuracy-drop", "0.02", "--budget", "2", "--out", NewFolder());

        Assert.AreEqual(0, run.Code, run.Err);
        StringAssert.Contains(run.Err, "warning: 80 of the 100 test samples of");
    }

    [TestMethod]
    public void Search_writes_thresholds_that_evaluate_can_load()
    {
        string outDir = NewFolder();

        var run = Cli.Run("search", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "200",
            "--validation-images", Cli.FashionImages, "--validation-labels", Cli.FashionLabels, "--validation-limit", "150",
            "--max-accuracy-drop", "0.02", "--budget", "12", "--division", "bitshift", "--bitshift-start", "-2", "--out", outDir);

        Assert.AreEqual(0, run.Code, run.Err);
        string thresholds = Path.Combine(outDir, "thresholds.json");
        ThresholdSet set = ThresholdSet.Load(thresholds);
        Assert.AreEqual("search", set.Method);
        Assert.AreEqual(-2, set.DivisionSettings?.StartingShift, "the division setting is searched with and saved");
        Assert.AreEqual(3, set.Layers.Count);
        var evaluate = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels,
            "--limit", "50", "--thresholds", thresholds, "--json");
        Assert.AreEqual(0, evaluate.Code, evaluate.Err);
    }

    [TestMethod]
    public void Search_save_thresholds_takes_a_path_like_evaluate_and_refuses_its_own_files()
    {
        // Arrange: the thresholds go next to --out, not into it.
        string outDir = NewFolder();
        string elsewhere = Cli.TempFile("search-thresholds.json", "");
        File.Delete(elsewhere);
        string[] search = ["search", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "100",
            "--validation-images", Cli.FashionImages, "--validation-labels", Cli.FashionLabels, "--validation-limit", "60",
            "--max-accuracy-drop", "0.05", "--budget", "4", "--out", outDir, "--json"];

        // Act
        var run = Cli.Run([.. search, "--save-thresholds", elsewhere]);
        var clash = Cli.Run([.. search, "--save-thresholds", Path.Combine(outDir, "search.json"), "--force"]);

        // Assert
        Assert.AreEqual(0, run.Code, run.Err);
        Assert.AreEqual("search", ThresholdSet.Load(elsewhere).Method);
        Assert.IsFalse(File.Exists(Path.Combine(outDir, "thresholds.json")), "No second copy lands in --out.");
        Assert.IsTrue(File.Exists(Path.Combine(outDir, "search.json")));
        string line = Cli.SingleErrorLine(clash);
        Assert.Contains("--save-thresholds", line);
        Assert.Contains("search.json", line);
    }

    [TestMethod]
    public void Search_generalization_options_run_and_are_recorded_and_bad_values_name_the_option()
    {
        string outDir = NewFolder();
        string[] search = ["search", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "100",
            "--validation-images", Cli.FashionImages, "--validation-labels", Cli.FashionLabels, "--validation-limit", "60",
            "--max-accuracy-drop", "0.05", "--budget", "5"];

        var run = Cli.Run([.. search, "--rank-by", "changes", "--cross-validate", "--selection-margin", "--validation-shifts", "1",
            "--refinements", "0", "--trades", "--out", outDir, "--json"]);
        var shifts = Cli.Run([.. search, "--validation-shifts", "5", "--out", NewFolder()]);
        var rank = Cli.Run([.. search, "--rank-by", "loss", "--out", NewFolder()]);

        Assert.AreEqual(0, run.Code, run.Err);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "search.json")));
        JsonElement options = json.RootElement.GetProperty("options");
        Assert.AreEqual("top_changes", options.GetProperty("rank_by").GetString());
        Assert.IsTrue(options.GetProperty("cross_validate").GetBoolean());
        Assert.AreEqual(1, options.GetProperty("validation_shifts").GetInt32());
        Assert.IsTrue(options.GetProperty("trades").GetBoolean());
        Assert.AreEqual(120, json.RootElement.GetProperty("validation").GetProperty("samples").GetInt32(), "60 images and one shifted copy each");
        Assert.Contains("--validation-shifts", Cli.SingleErrorLine(shifts, ExitCodes.Usage));
        Assert.Contains("--rank-by", Cli.SingleErrorLine(rank, ExitCodes.Usage));
    }

    [TestMethod]
    public void Search_runs_zero_threshold_layers_dense_where_cheaper_only_for_the_cycles_objective()
    {
        string outDir = NewFolder();
        string[] search = ["search", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "100",
            "--validation-images", Cli.FashionImages, "--validation-labels", Cli.FashionLabels, "--validation-limit", "60",
            "--max-accuracy-drop", "0.05", "--budget", "4", "--refinements", "0", "--profile", "msp430", "--cost-table", "calibrated-hwmul", "--dense-where-cheaper"];

        var run = Cli.Run([.. search, "--objective", "cycles", "--out", outDir, "--json"]);
        var macs = Cli.Run([.. search, "--out", NewFolder()]);

        Assert.AreEqual(0, run.Code, run.Err);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "search.json")));
        Assert.IsTrue(json.RootElement.GetProperty("options").GetProperty("dense_where_cheaper").GetBoolean());
        ThresholdSet saved = ThresholdSet.Load(Path.Combine(outDir, "thresholds.json"));
        foreach (string layer in saved.DenseLayers ?? [])
        {
            Assert.IsTrue(saved.For(layer)!.All(t => t == 0f), layer);
        }
        Assert.Contains("--dense-where-cheaper needs --objective cycles", Cli.SingleErrorLine(macs, ExitCodes.Usage));
    }
}
