using System.Text.Json;

namespace UnIT.Cli.Tests;

[TestClass]
public sealed class CompareCommandTests
{
    private static readonly string Calibration = Cli.Asset("data/fashion-mnist/train-55000-55999-images-idx3-ubyte.gz");

    private static string NewFolder() => Path.Combine(Path.GetDirectoryName(Cli.TempFile("x", ""))!, "out");

    private static string[] Compare(string outDir, params string[] extra) =>
        ["compare", Cli.FashionModel, "--calibration-images", Calibration, "--calibration-limit", "100",
            "--validation-images", Cli.FashionImages, "--validation-labels", Cli.FashionLabels, "--validation-range", "0:100",
            "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--range", "100:200",
            "--methods", "percentile,magnitude,layer-search", "--percentiles", "30,60", "--magnitude-sparsity", "0.2",
            "--max-accuracy-drops", "0.03", "--budget", "4", "--out", outDir, .. extra];

    [TestMethod]
    public void Compare_writes_json_csv_and_plot_with_one_row_per_method_and_limit()
    {
        string outDir = NewFolder();

        var run = Cli.Run(Compare(outDir, "--json"));

        Assert.AreEqual(0, run.Code, run.Err);
        CollectionAssert.AreEquivalent(new[] { "compare.json", "compare.csv", "compare.png", "thresholds-percentile-3pt.json", "thresholds-magnitude-3pt.json",
            "thresholds-layer-search-3pt.json" }, Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName).ToArray());
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "compare.json")));
        JsonElement[] rows = json.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        CollectionAssert.AreEqual(new[] { "single_percentile", "magnitude", "layer_search" }, rows.Select(r => r.GetProperty("method").GetString()).ToArray());
        Assert.IsTrue(rows.All(r => r.GetProperty("test").GetProperty("samples").GetInt32() == 100));
        Assert.AreEqual(100, json.RootElement.GetProperty("validation_samples").GetInt32());
        string[] csv = File.ReadAllLines(Path.Combine(outDir, "compare.csv"));
        Assert.HasCount(4, csv);
        StringAssert.StartsWith(csv[1], "0.03,UnIT single percentile,");
        // stdout carries the same document.
        using JsonDocument printed = JsonDocument.Parse(run.Out);
        Assert.AreEqual(3, printed.RootElement.GetProperty("rows").GetArrayLength());
        Assert.DoesNotContain("warning", run.Err, "the test range is held out from the validation range");
    }

    [TestMethod]
    [DataRow("percentile,fatrelu,magnitude", "--fatrelu=0.1")]
    [DataRow("layer-search,combined", "--fatrelu=0.1")]
    public void Compare_saves_each_rows_thresholds_and_evaluate_reproduces_its_test_figures_from_them(string methods, string extra)
    {
        string outDir = NewFolder();
        List<string> args = [.. Compare(outDir, extra)];
        args[args.IndexOf("--methods") + 1] = methods;
        if (!methods.Contains("percentile", StringComparison.Ordinal))
        {
            args.RemoveRange(args.IndexOf("--percentiles"), 2);
        }
        else
        {
            args.RemoveRange(args.IndexOf("--budget"), 2);
        }

        var run = Cli.Run([.. args]);

        Assert.AreEqual(0, run.Code, run.Err);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "compare.json")));
        foreach (JsonElement row in json.RootElement.GetProperty("rows").EnumerateArray())
        {
            string method = row.GetProperty("method").GetString()!;
            string file = Path.Combine(outDir, $"thresholds-{CliName(method)}-3pt.json");
            Assert.IsTrue(File.Exists(file), file);
            var evaluate = Cli.Run("evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--range", "100:200",
                "--thresholds", file, "--json");
            Assert.AreEqual(0, evaluate.Code, evaluate.Err);
            using JsonDocument measured = JsonDocument.Parse(evaluate.Out);
            JsonElement test = row.GetProperty("test");
            Assert.AreEqual(test.GetProperty("accuracy").GetDouble(), measured.RootElement.GetProperty("accuracy").GetDouble(), 1e-12, method);
            Assert.AreEqual(test.GetProperty("skipped_fraction").GetDouble(), measured.RootElement.GetProperty("skipped_fraction").GetDouble(), 1e-12, method);
        }
    }

    private static string CliName(string method) => method switch
    {
        "single_percentile" => "percentile",
        "fat_relu" => "fatrelu",
        "layer_search" => "layer-search",
        _ => method,
    };

    [TestMethod]
    public void Compare_warns_when_test_samples_are_also_validation_samples_and_still_reports()
    {
        string outDir = NewFolder();
        string[] args = Compare(outDir);
        args[Array.IndexOf(args, "100:200")] = "50:150";

        var run = Cli.Run(args);

        Assert.AreEqual(0, run.Code, run.Err);
        StringAssert.Contains(run.Err, "warning: 50 of the 100 test samples of");
        StringAssert.Contains(run.Err, "the test figures are not held out");
        Assert.IsTrue(File.Exists(Path.Combine(outDir, "compare.json")));
    }

    [TestMethod]
    public void Compare_refines_the_one_knob_methods_beyond_their_grid_unless_told_not_to()
    {
        JsonElement[] RowsOf(params string[] extra)
        {
            string outDir = NewFolder();
            List<string> args = [.. Compare(outDir, extra)];
            args[args.IndexOf("--methods") + 1] = "percentile";
            // Options of the methods left out would be refused.
            args.RemoveRange(args.IndexOf("--magnitude-sparsity"), 2);
            args.RemoveRange(args.IndexOf("--budget"), 2);
            var run = Cli.Run([.. args]);
            Assert.AreEqual(0, run.Code, run.Err);
            using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "compare.json")));
            return [.. json.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.Clone())];
        }

        JsonElement grid = RowsOf("--refine-steps", "0").Single();
        JsonElement refined = RowsOf().Single();

        // T = 0 and the two percentiles of the grid; refined: up to 4 more past the largest fitting one and 4 bisecting.
        Assert.AreEqual(3, grid.GetProperty("evaluations").GetInt32());
        Assert.IsGreaterThan(3, refined.GetProperty("evaluations").GetInt32());
        Assert.IsLessThanOrEqualTo(11, refined.GetProperty("evaluations").GetInt32());
        CollectionAssert.Contains(new[] { "T=0", "p=30", "p=60" }, grid.GetProperty("setting").GetString());
        Assert.IsGreaterThanOrEqualTo(grid.GetProperty("validation").GetProperty("skipped_fraction").GetDouble(),
            refined.GetProperty("validation").GetProperty("skipped_fraction").GetDouble());
    }

    [TestMethod]
    [DataRow("calibrated-hwmul", "float32", "--cost-table calibrated-hwmul needs --profile msp430")]
    [DataRow("calibrated-m4", "msp430", "--cost-table calibrated-m4 needs --profile max78000: it was measured on the MAX78000")]
    public void Compare_refuses_a_measured_cost_table_on_another_profile(string table, string profile, string message)
    {
        var run = Cli.Run(Compare(NewFolder(), "--cost-table", table, "--profile", profile));

        StringAssert.Contains(Cli.SingleErrorLine(run, ExitCodes.Usage), message);
    }

    [TestMethod]
    [DataRow("--skip-compensation", "--skip-compensation is read by --methods layer-search, group-search, combined only")]
    [DataRow("--fatrelu=0.1", "--fatrelu is read by --methods fatrelu, combined only")]
    [DataRow("--group-allocation=error", "--group-allocation is read by --methods group-search only")]
    [DataRow("--trades", "--trades is read by --methods layer-search, group-search, combined only")]
    public void Compare_refuses_an_option_that_none_of_the_chosen_methods_reads(string option, string expected)
    {
        List<string> args = [.. Compare(NewFolder(), option)];
        args[args.IndexOf("--methods") + 1] = "percentile,magnitude";
        // The budget is a search's too, and would be refused alongside.
        args.RemoveRange(args.IndexOf("--budget"), 2);

        var run = Cli.Run([.. args]);

        StringAssert.Contains(Cli.SingleErrorLine(run, ExitCodes.Usage), expected);
    }

    [TestMethod]
    public void Compare_refuses_refine_steps_when_only_searches_run()
    {
        List<string> args = [.. Compare(NewFolder(), "--refine-steps", "2")];
        args[args.IndexOf("--methods") + 1] = "layer-search";
        args.RemoveRange(args.IndexOf("--percentiles"), 2);
        args.RemoveRange(args.IndexOf("--magnitude-sparsity"), 2);

        var run = Cli.Run([.. args]);

        StringAssert.Contains(Cli.SingleErrorLine(run, ExitCodes.Usage), "--refine-steps is read by --methods percentile, fatrelu, magnitude only");
    }

    [TestMethod]
    public void Compare_refuses_two_limits_whose_thresholds_files_would_share_a_name()
    {
        string outDir = NewFolder();
        List<string> args = [.. Compare(outDir)];
        args[args.IndexOf("--max-accuracy-drops") + 1] = "0.01,0.0100000000001";

        var run = Cli.Run([.. args]);

        StringAssert.Contains(Cli.SingleErrorLine(run, ExitCodes.Usage), "--max-accuracy-drops 0.01 and 0.0100000000001 differ by less than a millionth of a point");
        Assert.IsFalse(Directory.Exists(outDir));
    }

    [TestMethod]
    public void Compare_refuses_negative_refine_steps()
    {
        var run = Cli.Run(Compare(NewFolder(), "--refine-steps", "-1"));

        StringAssert.Contains(Cli.SingleErrorLine(run, ExitCodes.Usage), "Invalid --refine-steps '-1': expected a whole number >= 0");
    }
}
