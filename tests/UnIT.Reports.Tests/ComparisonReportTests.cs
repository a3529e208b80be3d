using UnIT.ML.Sweeps;

namespace UnIT.Reports.Tests;

[TestClass]
public sealed class ComparisonReportTests
{
    private static ComparisonResult Result() => new()
    {
        Rows =
        [
            new ComparisonRow
            {
                Method = ComparisonMethod.SinglePercentile, MaxAccuracyDrop = 0.01, Setting = "p=40", Evaluations = 20,
                Validation = ReportData.Point(SweepPointKind.Unit, 40, 0.895, 0.5, 5000), Test = ReportData.Point(SweepPointKind.Unit, 40, 0.89, 0.48, 5200),
            },
            new ComparisonRow { Method = ComparisonMethod.Magnitude, MaxAccuracyDrop = 0.01, Setting = "none", Evaluations = 7 },
            new ComparisonRow
            {
                Method = ComparisonMethod.LayerSearch, MaxAccuracyDrop = 0.01, Setting = "conv1 p=30, fc off", Evaluations = 40,
                Validation = ReportData.Point(SweepPointKind.Search, null, 0.893, 0.6, 4000), Test = ReportData.Point(SweepPointKind.Search, null, 0.888, 0.61, 3900),
            },
        ],
        DenseTestAccuracy = 0.9,
        Options = new ComparisonOptions(),
        ValidationSamples = 500,
        TestSamples = 500,
    };

    [TestMethod]
    public void Csv_HasOneRowPerMethodAndLimit_WithEmptyFiguresWhenNothingMetTheLimit()
    {
        using var writer = new StringWriter();

        ComparisonCsvWriter.Write(Result(), writer);

        string[][] rows = writer.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r').Split(',')).ToArray();
        Assert.HasCount(4, rows);
        int skipped = Array.IndexOf(rows[0], "test_skipped_fraction"), setting = Array.IndexOf(rows[0], "setting");
        Assert.AreEqual("0.48", rows[1][skipped]);
        Assert.AreEqual("", rows[2][skipped]);
        Assert.AreEqual("none", rows[2][setting]);
        // The search's setting holds a comma, so it is quoted.
        StringAssert.Contains(writer.ToString(), "\"conv1 p=30, fc off\"");
    }

    [TestMethod]
    public void Plot_And_Table_ShowEveryMethodThatHasATestPoint()
    {
        string path = Path.Combine(ReportData.TempFolder(), "compare.png");
        using (FileStream stream = File.Create(path))
        {
            ComparisonPlotter.WritePng(Result(), "model", stream, 900, 600);
        }
        var table = ComparisonTable.Build(Result(), "model");

        Assert.AreEqual((900, 600), ReportData.PngSize(path));
        Assert.AreEqual(2, ComparisonPlotter.Build(Result(), "model").GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Count());
        Assert.AreEqual(3, table.Rows.Count);
    }

    [TestMethod]
    public void Table_And_Csv_Give_The_Compensated_Share_And_The_Table_Only_When_A_Row_Has_One()
    {
        ComparisonResult plain = Result();
        ComparisonResult compensated = new()
        {
            Rows = [.. plain.Rows.Select(r => r.Test is null ? r : r with { Test = r.Test with { MacsCompensated = 123 } })],
            DenseTestAccuracy = plain.DenseTestAccuracy,
            Options = plain.Options,
            ValidationSamples = plain.ValidationSamples,
            TestSamples = plain.TestSamples,
        };
        using var writer = new StringWriter();

        ComparisonCsvWriter.Write(compensated, writer);

        string[][] rows = writer.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r').Split(',')).ToArray();
        int column = Array.IndexOf(rows[0], "test_compensated_fraction");
        Assert.AreEqual("0.123", rows[1][column]);
        Assert.AreEqual("", rows[2][column]);
        Assert.Contains("of which compensated %", SweepTableTests.Render(ComparisonTable.Build(compensated, "model")));
        Assert.Contains("12.3", SweepTableTests.Render(ComparisonTable.Build(compensated, "model")));
        Assert.DoesNotContain("compensated", SweepTableTests.Render(ComparisonTable.Build(plain, "model")));
    }
}
