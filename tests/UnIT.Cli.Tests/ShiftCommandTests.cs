using System.Text.Json;

namespace UnIT.Cli.Tests;

[TestClass]
public sealed class ShiftCommandTests
{
    private static readonly string Calibration = Cli.Asset("data/fashion-mnist/train-55000-55999-images-idx3-ubyte.gz");

    [TestMethod]
    public void Shift_writes_csv_and_json_with_a_clean_row_and_three_strengths_per_shift()
    {
        string outDir = Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "out");

        var run = Cli.Run("shift", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "100",
            "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "100", "--shifts", "noise,rotation", "--seed", "3",
            "--out", outDir, "--json");

        Assert.AreEqual(0, run.Code, run.Err);
        CollectionAssert.AreEquivalent(new[] { "shift.csv", "shift.json", "shift.png" }, Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName).ToArray());
        string[] csv = File.ReadAllLines(Path.Combine(outDir, "shift.csv"));
        CollectionAssert.AreEqual(new[] { "clean", "gaussian_noise", "gaussian_noise", "gaussian_noise", "rotation", "rotation", "rotation" },
            csv.Skip(1).Select(l => l.Split(',')[0]).ToArray());
        using JsonDocument json = JsonDocument.Parse(run.Out);
        Assert.AreEqual(3, json.RootElement.GetProperty("options").GetProperty("seed").GetInt32());
        Assert.AreEqual(7, json.RootElement.GetProperty("rows").GetArrayLength());
        Assert.DoesNotContain("warning", run.Err, "the calibration images are training images, the test images held out");
    }

    [TestMethod]
    public void Shift_warns_when_it_calibrates_on_test_samples_but_not_when_given_thresholds()
    {
        string outDir = Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "out");
        string[] Args(string folder, params string[] extra) => ["shift", Cli.FashionModel, "--calibration-images", Cli.FashionImages, "--calibration-limit", "60",
            "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--range", "40:140", "--shifts", "noise=0.1", "--out", folder, .. extra];

        var calibrated = Cli.Run(Args(outDir));
        string thresholds = Path.Combine(outDir, "t.json");
        Assert.AreEqual(0, Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "10",
            "--calibration-images", Cli.FashionImages, "--calibration-limit", "60", "--save-thresholds", thresholds).Code);
        var given = Cli.Run(Args(Path.Combine(outDir, "given"), "--thresholds", thresholds));

        Assert.AreEqual(0, calibrated.Code, calibrated.Err);
        StringAssert.Contains(calibrated.Err, "warning: 20 of the 100 test samples of");
        StringAssert.Contains(calibrated.Err, "among the calibration samples of");
        Assert.AreEqual(0, given.Code, given.Err);
        Assert.DoesNotContain("warning", given.Err, "saved thresholds were not calibrated on these samples here");
    }

    [TestMethod]
    public void Shift_with_compensated_thresholds_says_how_many_skipped_MACs_were_compensated()
    {
        string outDir = Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "out");
        string thresholds = Path.Combine(outDir, "t.json");
        Assert.AreEqual(0, Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "10",
            "--calibration-images", Calibration, "--calibration-limit", "60", "--percentile", "60", "--skip-compensation", "--save-thresholds", thresholds).Code);

        var run = Cli.Run("shift", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "60", "--images", Cli.FashionImages,
            "--labels", Cli.FashionLabels, "--limit", "40", "--shifts", "noise=0.1", "--thresholds", thresholds, "--out", Path.Combine(outDir, "r"));

        Assert.AreEqual(0, run.Code, run.Err);
        StringAssert.Contains(string.Join(" ", run.Out.Split(default(char[]), StringSplitOptions.RemoveEmptyEntries)), "of all MACs on the clean set compensated (an add each, no multiply)");
        string[] csv = File.ReadAllLines(Path.Combine(outDir, "r", "shift.csv"));
        int column = Array.IndexOf(csv[0].Split(','), "unit_compensated_fraction");
        int skipped = Array.IndexOf(csv[0].Split(','), "unit_skipped_fraction");
        foreach (string[] row in csv.Skip(1).Select(l => l.Split(',')))
        {
            double compensated = double.Parse(row[column], System.Globalization.CultureInfo.InvariantCulture);
            Assert.IsGreaterThan(0.0, compensated);
            Assert.IsLessThan(double.Parse(row[skipped], System.Globalization.CultureInfo.InvariantCulture), compensated);
        }
    }

    [TestMethod]
    public void Shift_takes_raw_byte_pixels_with_their_range_and_refuses_them_without_it()
    {
        string outDir = Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "out");
        var random = new Random(4);
        string images = Cli.TempFile("bytes.csv", string.Join("\n", Enumerable.Range(0, 30).Select(_ => string.Join(",", Enumerable.Range(0, 784).Select(_ => random.Next(256))))));
        string labels = Cli.TempFile("bytes-labels.csv", string.Join("\n", Enumerable.Range(0, 30).Select(i => i % 10)));
        string[] Args(params string[] extra) => ["shift", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "30",
            "--images", images, "--labels", labels, "--shifts", "noise=0.1,occlusion=0.3", .. extra];

        var refused = Cli.Run(Args("--out", Path.Combine(outDir, "refused")));
        var badRange = Cli.Run(Args("--pixel-range", "255:0", "--out", Path.Combine(outDir, "bad")));
        var run = Cli.Run(Args("--pixel-range", "0:255", "--out", Path.Combine(outDir, "raw"), "--json"));

        StringAssert.Contains(Cli.SingleErrorLine(refused), "give the range 0:255 (`--pixel-range 0:255`");
        StringAssert.Contains(Cli.SingleErrorLine(badRange, ExitCodes.Usage), "Invalid --pixel-range '255:0'");
        Assert.IsFalse(Directory.Exists(Path.Combine(outDir, "refused")));
        Assert.AreEqual(0, run.Code, run.Err);
        using JsonDocument json = JsonDocument.Parse(run.Out);
        JsonElement range = json.RootElement.GetProperty("options").GetProperty("pixel_range");
        Assert.AreEqual(255, range.GetProperty("max").GetDouble());
        Assert.AreEqual(3, json.RootElement.GetProperty("rows").GetArrayLength());
    }

    [TestMethod]
    public void Shift_refuses_an_unknown_shift_in_one_line()
    {
        var run = Cli.Run("shift", Cli.FashionModel, "--calibration-images", Calibration, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels,
            "--shifts", "blur", "--out", Path.Combine(Path.GetTempPath(), "never-written"));

        StringAssert.Contains(Cli.SingleErrorLine(run, ExitCodes.Usage), "--shifts value 'blur'");
    }

    [TestMethod]
    public void Shift_runs_a_shift_at_the_strengths_given_after_its_name_and_says_so_in_the_json()
    {
        string outDir = Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "out");

        var run = Cli.Run("shift", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "50",
            "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "50", "--shifts", "rotation=45/5,occlusion", "--out", outDir, "--json");

        Assert.AreEqual(0, run.Code, run.Err);
        using JsonDocument json = JsonDocument.Parse(run.Out);
        CollectionAssert.AreEqual(new[] { "clean 0", "rotation 45", "rotation 5", "occlusion 0.2", "occlusion 0.3", "occlusion 0.4" },
            json.RootElement.GetProperty("rows").EnumerateArray()
                .Select(r => $"{(r.GetProperty("kind").ValueKind == JsonValueKind.Null ? "clean" : r.GetProperty("kind").GetString())} {r.GetProperty("strength").GetDouble()}").ToArray());
        JsonElement strengths = json.RootElement.GetProperty("options").GetProperty("strengths");
        CollectionAssert.AreEqual(new[] { 45.0, 5.0 }, strengths.GetProperty("rotation").EnumerateArray().Select(v => v.GetDouble()).ToArray());
        Assert.IsFalse(strengths.TryGetProperty("occlusion", out _));
    }

    [TestMethod]
    [DataRow("contrast=1.5", "Strength 1.5 of Contrast must be finite, >= 0 and <= 1")]
    [DataRow("rotation=10/x", "'x' is not a number >= 0")]
    [DataRow("noise=0.1/0.1", "the strength 0.1 is given twice")]
    [DataRow("rotation=5,rotation=6", "rotation is already given with other strengths")]
    public void Shift_refuses_bad_strengths_in_one_line_naming_the_value(string shifts, string message)
    {
        var run = Cli.Run("shift", Cli.FashionModel, "--calibration-images", Calibration, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels,
            "--shifts", shifts, "--out", Path.Combine(Path.GetTempPath(), "never-written"));

        string error = Cli.SingleErrorLine(run, ExitCodes.Usage);
        StringAssert.Contains(error, $"--shifts value '{shifts.Split(',')[^1]}'");
        StringAssert.Contains(error, message);
    }

    [TestMethod]
    public void Shift_with_a_train_time_pruned_model_reports_it_with_and_without_UnIT_in_every_row()
    {
        string outDir = Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "out");

        var run = Cli.Run("shift", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "50",
            "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "60", "--shifts", "noise",
            "--train-time-pruned", Cli.Asset("models/fashion_mnist_cnn_ttp70.onnx"), "--train-time-percentile", "20", "--out", outDir);

        Assert.AreEqual(0, run.Code, run.Err);
        // The caption wraps at the table's width.
        StringAssert.Contains(string.Join(" ", run.Out.Split(default(char[]), StringSplitOptions.RemoveEmptyEntries)), "train-time pruned model 'fashion_mnist_cnn_ttp70', + UnIT p=20 on it");
        string[] csv = File.ReadAllLines(Path.Combine(outDir, "shift.csv"));
        string[] header = csv[0].Split(',');
        int asIs = Array.IndexOf(header, "train_time_skipped_fraction"), withUnit = Array.IndexOf(header, "train_time_unit_skipped_fraction");
        Assert.HasCount(5, csv);
        foreach (string[] row in csv.Skip(1).Select(l => l.Split(',')))
        {
            // 70% of the weights are zero, and UnIT skips more on top.
            Assert.IsGreaterThan(0.6, double.Parse(row[asIs], System.Globalization.CultureInfo.InvariantCulture));
            Assert.IsGreaterThan(double.Parse(row[asIs], System.Globalization.CultureInfo.InvariantCulture), double.Parse(row[withUnit], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [TestMethod]
    public void Shift_refuses_a_train_time_model_for_other_samples_and_a_train_time_percentile_without_one()
    {
        string[] common = ["shift", Cli.FashionModel, "--calibration-images", Calibration, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels,
            "--out", Path.Combine(Path.GetTempPath(), "never-written")];

        var other = Cli.Run([.. common, "--train-time-pruned", Cli.Asset("models/cifar10_shape_random.onnx")]);
        var alone = Cli.Run([.. common, "--train-time-percentile", "20"]);

        StringAssert.Contains(Cli.SingleErrorLine(other), "'cifar10_shape_random' takes [?,3,32,32]");
        StringAssert.Contains(Cli.SingleErrorLine(alone, ExitCodes.Usage), "--train-time-percentile needs --train-time-pruned");
    }

    [TestMethod]
    public void Shift_refuses_normalized_test_samples_naming_the_file_and_sample_and_writes_nothing()
    {
        // Mean-0 data would be clipped and filled with 0 as if it were pixels: refused before anything runs.
        string row = string.Join(",", Enumerable.Repeat("0.5", 784));
        string images = Cli.TempFile("normalized.csv", $"{row}\n{row.Replace("0.5,0.5,0.5", "0.5,-0.5,0.5")}\n");
        string labels = Cli.TempFile("labels.csv", "1\n2\n");
        string outDir = Path.Combine(Path.GetDirectoryName(images)!, "out");

        var run = Cli.Run("shift", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "10",
            "--images", images, "--labels", labels, "--out", outDir);

        string error = Cli.SingleErrorLine(run, ExitCodes.Failure);
        StringAssert.Contains(error, "normalized.csv': Sample 1 has the value -0.5 at position 1");
        StringAssert.Contains(error, "pixels in [0, 1]");
        Assert.IsFalse(Directory.Exists(outDir));
    }

    [TestMethod]
    public void Shift_with_saved_thresholds_runs_them_on_the_clean_set_as_evaluate_does()
    {
        string thresholds = Cli.TempFile("t.json", "");
        string outDir = Path.Combine(Path.GetDirectoryName(thresholds)!, "out");
        var evaluate = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "100",
            "--calibration-images", Calibration, "--calibration-limit", "100", "--percentile", "40", "--bias-correction",
            "--save-thresholds", thresholds, "--force", "--json");
        Assert.AreEqual(0, evaluate.Code, evaluate.Err);

        var run = Cli.Run("shift", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "100",
            "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "100", "--shifts", "brightness",
            "--thresholds", thresholds, "--out", outDir, "--json");

        Assert.AreEqual(0, run.Code, run.Err);
        using JsonDocument expected = JsonDocument.Parse(evaluate.Out), shift = JsonDocument.Parse(run.Out);
        JsonElement clean = shift.RootElement.GetProperty("rows")[0].GetProperty("unit");
        Assert.AreEqual(expected.RootElement.GetProperty("accuracy").GetDouble(), clean.GetProperty("accuracy").GetDouble(), 1e-12);
        Assert.AreEqual(expected.RootElement.GetProperty("skipped_fraction").GetDouble(), clean.GetProperty("skipped_fraction").GetDouble(), 1e-12);
        Assert.AreEqual("percentile", shift.RootElement.GetProperty("options").GetProperty("given_thresholds").GetString());
        // Each row says what ran: the file's corrections on UnIT's side, none on magnitude pruning's.
        Assert.IsTrue(clean.GetProperty("coordinates").GetProperty("bias_correction").GetBoolean());
        Assert.AreEqual(40, clean.GetProperty("coordinates").GetProperty("percentile").GetDouble());
        Assert.IsFalse(shift.RootElement.GetProperty("rows")[0].GetProperty("magnitude").GetProperty("coordinates").GetProperty("bias_correction").GetBoolean());
    }

    [TestMethod]
    public void Shift_refuses_a_percentile_with_thresholds_and_a_profile_the_thresholds_were_not_saved_for()
    {
        string thresholds = Cli.TempFile("t.json", "");
        Assert.AreEqual(0, Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "20",
            "--calibration-images", Calibration, "--calibration-limit", "20", "--save-thresholds", thresholds, "--force").Code);
        string[] common = ["shift", Cli.FashionModel, "--calibration-images", Calibration, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels,
            "--thresholds", thresholds, "--out", Path.Combine(Path.GetTempPath(), "never-written")];

        var both = Cli.Run([.. common, "--percentile", "30"]);
        var profile = Cli.Run([.. common, "--profile", "msp430"]);

        StringAssert.Contains(Cli.SingleErrorLine(both, ExitCodes.Usage), "either --percentile or --thresholds");
        StringAssert.Contains(Cli.SingleErrorLine(profile), "saved for profile 'float32'");
    }
}
