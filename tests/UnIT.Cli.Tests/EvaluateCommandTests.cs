using System.Text.Json;
using UnIT.ML.Pruning;

namespace UnIT.Cli.Tests;

[TestClass]
public sealed class EvaluateCommandTests
{
    private static readonly string Calibration = Cli.Asset("data/fashion-mnist/train-55000-55999-images-idx3-ubyte.gz");

    /// <summary>
    /// Evaluates on 200 test images, calibrating (where thresholds are not given) on the first 200 calibration images:
    /// the per-MAC calibration pass over all 1,000 took most of this class's time.
    /// </summary>
    private static JsonElement Evaluate(params string[] extra)
    {
        string[] args = ["evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels,
            "--calibration-images", Calibration, "--calibration-limit", "200", "--limit", "200", "--json", .. extra];
        var run = Cli.Run(args);
        Assert.AreEqual(0, run.Code, run.Err);
        return JsonDocument.Parse(run.Out).RootElement;
    }

    [TestMethod]
    public void Json_carries_accuracy_macs_layers_and_costs()
    {
        JsonElement r = Evaluate("--percentile", "50");

        JsonElement macs = r.GetProperty("macs");
        long total = macs.GetProperty("total").GetInt64();
        Assert.AreEqual(200L * 242_560, total);
        Assert.AreEqual(total, macs.GetProperty("skipped_zero").GetInt64() + macs.GetProperty("skipped_threshold").GetInt64() + macs.GetProperty("executed").GetInt64());
        double skipped = r.GetProperty("skipped_fraction").GetDouble();
        Assert.IsTrue(skipped is > 0.5 and < 0.65, $"p = 50 should skip a bit over half of all MACs; got {skipped}");
        Assert.IsTrue(r.GetProperty("accuracy").GetDouble() > 0.8);
        Assert.IsTrue(r.GetProperty("dense_accuracy").GetDouble() >= r.GetProperty("accuracy").GetDouble() - 0.02);
        Assert.AreEqual("exact", r.GetProperty("division").GetString());
        Assert.AreEqual("float32", r.GetProperty("profile").GetString());
        Assert.AreEqual(3, r.GetProperty("layers").GetArrayLength());
        Assert.IsTrue(r.GetProperty("cycles").GetProperty("dense").GetDouble() > 0);
        Assert.IsTrue(r.GetProperty("energy_uj").GetProperty("pruned").GetDouble() > 0);
        Assert.IsTrue(r.TryGetProperty("f1_macro", out _));
    }

    [TestMethod]
    public void Json_and_table_carry_the_drop_with_its_paired_standard_error()
    {
        JsonElement r = Evaluate("--percentile", "80");

        int lost = r.GetProperty("samples_lost").GetInt32(), gained = r.GetProperty("samples_gained").GetInt32();
        Assert.IsGreaterThan(0, lost, "p = 80 should cost some of the 200 samples");
        Assert.AreEqual((lost - gained) / 200.0, r.GetProperty("accuracy_drop").GetDouble(), 1e-12);
        double expected = Math.Sqrt(lost + gained - (lost - gained) * (lost - gained) / 200.0) / 200;
        Assert.AreEqual(expected, r.GetProperty("accuracy_drop_standard_error").GetDouble(), 1e-12);

        var run = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels,
            "--calibration-images", Calibration, "--calibration-limit", "200", "--limit", "200", "--percentile", "80");
        Assert.AreEqual(0, run.Code, run.Err);
        string line = FormattableString.Invariant($"Accuracy drop: {100 * r.GetProperty("accuracy_drop").GetDouble():F2} ± {100 * expected:F2} points ({lost} samples lost, {gained} gained against dense)");
        Assert.Contains(line, run.Out);
    }

    [TestMethod]
    public void Higher_percentiles_skip_more()
    {
        double low = Evaluate("--percentile", "30").GetProperty("skipped_fraction").GetDouble();
        double high = Evaluate("--percentile", "70").GetProperty("skipped_fraction").GetDouble();

        Assert.IsTrue(high > low, $"p = 70 skipped {high}, p = 30 skipped {low}");
    }

    [TestMethod]
    public void Msp430_reports_the_fixed_point_accuracy_without_pruning()
    {
        JsonElement r = Evaluate("--profile", "msp430");

        Assert.AreEqual("bitshift", r.GetProperty("division").GetString());
        double quantized = r.GetProperty("quantized_dense_accuracy").GetDouble();
        Assert.IsTrue(Math.Abs(quantized - r.GetProperty("dense_accuracy").GetDouble()) < 0.02, "int16 quantization alone should cost little accuracy");
    }

    [TestMethod]
    public void Saved_thresholds_reproduce_the_same_logits()
    {
        string dir = Path.GetDirectoryName(Cli.TempFile("x", ""))!;
        string thresholds = Path.Combine(dir, "t.json"), first = Path.Combine(dir, "a.json"), second = Path.Combine(dir, "b.json");

        Evaluate("--percentile", "60", "--save-thresholds", thresholds, "--logits-out", first);
        Evaluate("--thresholds", thresholds, "--logits-out", second);

        Assert.AreEqual(File.ReadAllText(first), File.ReadAllText(second));
        StringAssert.Contains(File.ReadAllText(thresholds), "\"percentile\": 60");
    }

    [TestMethod]
    public void Thresholds_saved_for_one_model_are_refused_on_another_with_the_same_layer_names()
    {
        string thresholds = Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "t.json");
        Evaluate("--percentile", "60", "--save-thresholds", thresholds);

        // fashion_mnist_cnn_ttp70 is the same architecture, trained again with pruning: every layer name matches.
        var run = Cli.Run("evaluate", Cli.Asset("models/fashion_mnist_cnn_ttp70.onnx"), "--images", Cli.FashionImages, "--labels", Cli.FashionLabels,
            "--limit", "50", "--thresholds", thresholds);

        string error = Cli.SingleErrorLine(run);
        StringAssert.Contains(error, "The thresholds were made for model 'fashion_mnist_cnn'");
        StringAssert.Contains(error, "not for model 'fashion_mnist_cnn_ttp70'");
    }

    [TestMethod]
    public void Bias_corrected_thresholds_are_saved_with_their_corrections_and_reproduce_the_same_logits()
    {
        string dir = Path.GetDirectoryName(Cli.TempFile("x", ""))!;
        string thresholds = Path.Combine(dir, "t.json"), first = Path.Combine(dir, "a.json"), second = Path.Combine(dir, "b.json"), plain = Path.Combine(dir, "c.json");

        Evaluate("--percentile", "60", "--bias-correction", "--save-thresholds", thresholds, "--logits-out", first);
        // The saved corrections are used as they are: no calibration data, no second fit.
        var run = Cli.Run(["evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "200",
            "--thresholds", thresholds, "--logits-out", second]);
        Assert.AreEqual(0, run.Code, run.Err);
        Evaluate("--percentile", "60", "--logits-out", plain);

        Assert.AreEqual(File.ReadAllText(first), File.ReadAllText(second));
        Assert.AreNotEqual(File.ReadAllText(first), File.ReadAllText(plain), "the corrections change the logits");
        StringAssert.Contains(File.ReadAllText(thresholds), "\"bias_corrections\"");
    }

    [TestMethod]
    public void Correction_samples_reach_the_corrections_and_are_refused_without_one()
    {
        string dir = Path.GetDirectoryName(Cli.TempFile("x", ""))!;
        string all = Path.Combine(dir, "all.json"), few = Path.Combine(dir, "few.json");

        Evaluate("--percentile", "60", "--bias-correction", "--save-thresholds", all);
        Evaluate("--percentile", "60", "--bias-correction", "--correction-samples", "50", "--save-thresholds", few);
        string error = Cli.SingleErrorLine(Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels,
            "--calibration-images", Calibration, "--correction-samples", "50"), ExitCodes.Usage);

        ThresholdSet a = ThresholdSet.Load(all), f = ThresholdSet.Load(few);
        CollectionAssert.AreEqual(a.Layers["/conv1/Conv"], f.Layers["/conv1/Conv"], "the thresholds still use every calibration sample");
        CollectionAssert.AreNotEqual(a.BiasCorrections!["/conv1/Conv"], f.BiasCorrections!["/conv1/Conv"], "the corrections come from 50 of them");
        StringAssert.Contains(error, "--correction-samples");
    }

    [TestMethod]
    public void Skip_compensated_thresholds_count_their_adds_reload_to_the_same_logits_and_travel_to_the_C_export()
    {
        string dir = Path.GetDirectoryName(Cli.TempFile("x", ""))!;
        string thresholds = Path.Combine(dir, "t.json"), first = Path.Combine(dir, "a.json"), second = Path.Combine(dir, "b.json");

        JsonElement r = Evaluate("--percentile", "70", "--skip-compensation", "--save-thresholds", thresholds, "--logits-out", first);
        var run = Cli.Run(["evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "200",
            "--thresholds", thresholds, "--logits-out", second]);

        Assert.AreEqual(0, run.Code, run.Err);
        Assert.AreEqual(File.ReadAllText(first), File.ReadAllText(second));
        StringAssert.Contains(File.ReadAllText(thresholds), "\"skip_compensations\"");
        JsonElement macs = r.GetProperty("macs");
        Assert.IsGreaterThan(0L, macs.GetProperty("compensated").GetInt64());
        Assert.AreEqual(macs.GetProperty("skipped_threshold").GetInt64(), macs.GetProperty("compensated").GetInt64());

        JsonElement fixedPoint = Evaluate("--percentile", "70", "--profile", "msp430", "--skip-compensation");
        Assert.IsGreaterThan(0L, fixedPoint.GetProperty("macs").GetProperty("compensated").GetInt64());
        var export = Cli.Run("export-c", Cli.FashionModel, "--profile", "max78000", "--thresholds", thresholds, "--out", Path.Combine(dir, "c"));
        Assert.AreEqual(0, export.Code, export.Err);
        StringAssert.Contains(File.ReadAllText(Path.Combine(dir, "c", "unit_model_data.h")), "_comp[", "the exported C carries the constants");
        StringAssert.Contains(export.Out, "see m4-bench", "the bench that builds max78000 code");
    }

    [TestMethod]
    public void Msp430_thresholds_with_their_Q_formats_need_no_calibration_data_and_set_the_default_profile()
    {
        string dir = Path.GetDirectoryName(Cli.TempFile("x", ""))!;
        string thresholds = Path.Combine(dir, "t.json"), first = Path.Combine(dir, "a.json"), second = Path.Combine(dir, "b.json");
        Evaluate("--percentile", "60", "--profile", "msp430", "--save-thresholds", thresholds, "--logits-out", first);

        var run = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "200",
            "--profile", "msp430", "--thresholds", thresholds, "--logits-out", second, "--json");
        Assert.AreEqual(0, run.Code, run.Err);
        Assert.AreEqual(File.ReadAllText(first), File.ReadAllText(second));

        // Without --profile the file's own is used; a profile given explicitly still wins.
        string third = Path.Combine(dir, "c.json");
        var unset = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "200",
            "--thresholds", thresholds, "--logits-out", third, "--json");
        Assert.AreEqual(0, unset.Code, unset.Err);
        Assert.AreEqual("msp430", JsonDocument.Parse(unset.Out).RootElement.GetProperty("profile").GetString());
        Assert.AreEqual(File.ReadAllText(first), File.ReadAllText(third));
        var explicitFloat = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "200",
            "--thresholds", thresholds, "--profile", "float32", "--json");
        Assert.AreEqual(0, explicitFloat.Code, explicitFloat.Err);
        Assert.AreEqual("float32", JsonDocument.Parse(explicitFloat.Out).RootElement.GetProperty("profile").GetString());

        // A float thresholds file has no Q formats: the msp430 profile then needs calibration data, and says so.
        string floatThresholds = Path.Combine(dir, "f.json");
        Evaluate("--percentile", "60", "--save-thresholds", floatThresholds);
        var refused = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "200",
            "--profile", "msp430", "--thresholds", floatThresholds);
        Assert.AreNotEqual(0, refused.Code);
        StringAssert.Contains(refused.Err, "no Q formats");
        // export-c (and mcu-bench, which shares its preparation) says which profile the file was saved for.
        var export = Cli.Run("export-c", Cli.FashionModel, "--profile", "msp430", "--thresholds", floatThresholds, "--out", Path.Combine(dir, "c"));
        StringAssert.Contains(Cli.SingleErrorLine(export), "saved for profile 'float32' and carry no int16 Q formats");
    }

    [TestMethod]
    public void Existing_output_is_not_overwritten_without_force()
    {
        string existing = Cli.TempFile("keep.json", "mine");

        var run = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels,
            "--calibration-images", Calibration, "--save-thresholds", existing);

        StringAssert.Contains(Cli.SingleErrorLine(run), "--force");
        Assert.AreEqual("mine", File.ReadAllText(existing));
    }

    [TestMethod]
    public void Unknown_division_is_a_one_line_usage_error_naming_the_option_and_listing_the_names()
    {
        var run = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels,
            "--calibration-images", Calibration, "--division", "fast");

        string line = Cli.SingleErrorLine(run, ExitCodes.Usage);
        StringAssert.Contains(line, "--division 'fast'");
        StringAssert.Contains(line, "bitshift");
    }

    [TestMethod]
    public void Division_settings_from_the_command_line_are_used_and_saved()
    {
        string thresholds = Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "shift.json");

        JsonElement r = Evaluate("--division", "bitshift", "--bitshift-start", "2", "--save-thresholds", thresholds);
        var refused = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels,
            "--calibration-images", Calibration, "--limit", "20", "--bitshift-start", "2");

        Assert.AreEqual(2, r.GetProperty("thresholds").GetProperty("division_settings").GetProperty("starting_shift").GetInt32());
        using JsonDocument saved = JsonDocument.Parse(File.ReadAllText(thresholds));
        Assert.AreEqual(2, saved.RootElement.GetProperty("division_settings").GetProperty("starting_shift").GetInt32());
        Assert.Contains("--bitshift-start", Cli.SingleErrorLine(refused));
    }

    [TestMethod]
    public void Dense_where_cheaper_runs_costly_layers_dense_and_saves_the_choice()
    {
        string thresholds = Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "dense-loops.json");

        JsonElement plain = Evaluate("--profile", "msp430", "--percentile", "10", "--cost-table", "calibrated-hwmul");
        JsonElement chosen = Evaluate("--profile", "msp430", "--percentile", "10", "--cost-table", "calibrated-hwmul", "--dense-where-cheaper",
            "--save-thresholds", thresholds, "--force");

        string[] dense = chosen.GetProperty("thresholds").GetProperty("dense_layers").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.IsNotEmpty(dense, "at p = 10 a layer pays more for its tests than it saves with the hardware multiplier");
        foreach (JsonElement layer in chosen.GetProperty("layers").EnumerateArray().Where(l => dense.Contains(l.GetProperty("name").GetString())))
        {
            Assert.AreEqual(layer.GetProperty("total").GetInt64(), layer.GetProperty("executed").GetInt64(), "a dense loop executes every MAC");
            Assert.AreEqual(layer.GetProperty("dense_cycles").GetDouble(), layer.GetProperty("cycles").GetDouble(), 1e-6);
        }
        Assert.IsLessThan(plain.GetProperty("cycles").GetProperty("pruned").GetDouble(), chosen.GetProperty("cycles").GetProperty("pruned").GetDouble());
        CollectionAssert.AreEqual(dense, ThresholdSet.Load(thresholds).DenseLayers);
        JsonElement again = Evaluate("--thresholds", thresholds, "--cost-table", "calibrated-hwmul");
        Assert.AreEqual(chosen.GetProperty("accuracy").GetDouble(), again.GetProperty("accuracy").GetDouble());
        Assert.AreEqual(chosen.GetProperty("cycles").GetProperty("pruned").GetDouble(), again.GetProperty("cycles").GetProperty("pruned").GetDouble(), 1e-6);
    }

    [TestMethod]
    public void A_table_that_prices_every_node_adds_the_other_nodes_to_both_figures()
    {
        JsonElement layersOnly = Evaluate("--profile", "max78000", "--percentile", "70");
        JsonElement whole = Evaluate("--profile", "max78000", "--percentile", "70", "--cost-table", "calibrated-m4");

        Assert.AreEqual(0, layersOnly.GetProperty("other_nodes").GetArrayLength(), "the datasheet table prices the UnIT layers only");
        JsonElement[] nodes = [.. whole.GetProperty("other_nodes").EnumerateArray()];
        // fashion_mnist_cnn: Sub, Div with constants (its input normalization), two Relus, two MaxPools, Flatten; every one priced.
        CollectionAssert.AreEqual(new[] { "Sub(constant)", "Div(constant)", "Relu", "MaxPool", "Relu", "MaxPool", "Flatten" }, nodes.Select(n => n.GetProperty("op").GetString()).ToArray());
        Assert.IsTrue(nodes.All(n => n.GetProperty("priced").GetBoolean()));
        double other = nodes.Sum(n => n.GetProperty("cycles").GetDouble());
        Assert.IsGreaterThan(0.0, other);
        double layers = whole.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("cycles").GetDouble());
        double denseLayers = whole.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("dense_cycles").GetDouble());
        Assert.AreEqual(layers + other, whole.GetProperty("cycles").GetProperty("pruned").GetDouble(), 1e-6);
        Assert.AreEqual(denseLayers + other, whole.GetProperty("cycles").GetProperty("dense").GetDouble(), 1e-6);

        var text = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "20",
            "--calibration-images", Calibration, "--calibration-limit", "20", "--profile", "max78000", "--cost-table", "calibrated-m4");
        Assert.AreEqual(0, text.Code, text.Err);
        StringAssert.Contains(text.Out, "other nodes (7)");
    }

    [TestMethod]
    public void Dense_where_cheaper_without_calibration_images_or_a_measured_table_off_its_profile_is_an_error()
    {
        string thresholds = Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "msp-for-dense.json");
        Evaluate("--profile", "msp430", "--save-thresholds", thresholds, "--force");

        var noCalibration = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "20",
            "--thresholds", thresholds, "--dense-where-cheaper");
        // Refused before the calibration data are read (calibrating first made a user wait minutes for a usage error):
        // a calibration file that does not exist is not reached.
        var floatTable = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "20",
            "--calibration-images", Path.Combine(Path.GetDirectoryName(thresholds)!, "not-there.gz"), "--cost-table", "calibrated-swmul");
        var m4Table = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "20",
            "--thresholds", thresholds, "--cost-table", "calibrated-m4");

        StringAssert.Contains(Cli.SingleErrorLine(noCalibration), "--dense-where-cheaper needs --calibration-images");
        StringAssert.Contains(Cli.SingleErrorLine(floatTable), "--cost-table calibrated-swmul needs the msp430 profile");
        StringAssert.Contains(Cli.SingleErrorLine(m4Table), "--cost-table calibrated-m4 needs the max78000 profile");
    }
}
