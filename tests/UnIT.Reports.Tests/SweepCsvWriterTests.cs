using System.Globalization;

namespace UnIT.Reports.Tests;

[TestClass]
public sealed class SweepCsvWriterTests
{
    [TestMethod]
    public void Write_HeaderThenOneRowPerPoint_WithMetricsFrontsAndLayerColumns()
    {
        SweepReport report = ReportData.Sweep();
        var writer = new StringWriter();

        SweepCsvWriter.Write(report, writer);

        string[] lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.HasCount(1 + report.Points.Count, lines);
        string[] header = lines[0].Split(',');
        foreach (string column in new[] { "kind", "series", "percentile", "division", "profile", "accuracy", "dense_accuracy", "accuracy_drop", "f1_macro",
            "macs_total", "macs_skipped_zero", "macs_skipped_threshold", "macs_executed", "macs_compensated", "skipped_fraction", "cycles", "dense_cycles", "speedup",
            "energy_uj", "dense_energy_uj", "wall_seconds", "skipped_fraction:conv1", "threshold:fc", "pareto_skipped", "pareto_cycles" })
        {
            CollectionAssert.Contains(header, column);
        }
        Dictionary<string, string> row = Row(header, lines[2]);
        Assert.AreEqual("Unit", row["kind"]);
        Assert.AreEqual("UnIT exact (float32)", row["series"]);
        Assert.AreEqual(30, double.Parse(row["percentile"], CultureInfo.InvariantCulture));
        Assert.AreEqual(0.4, double.Parse(row["skipped_fraction"], CultureInfo.InvariantCulture), 1e-12);
        Assert.AreEqual(0.9 - 0.9, double.Parse(row["accuracy_drop"], CultureInfo.InvariantCulture), 1e-12);
        Assert.AreEqual("0.25", row["threshold:fc"]);
        Assert.AreEqual("true", row["pareto_skipped"]);
        Assert.AreEqual("", Row(header, lines[1])["percentile"], "dense has no percentile");
        Assert.AreEqual("false", Row(header, lines[1])["pareto_skipped"]);
    }

    [TestMethod]
    public void Write_GroupWiseThresholds_AreSpaceSeparatedInOneField()
    {
        var report = new SweepReport([ReportData.Point(ML.Sweeps.SweepPointKind.Unit, 50, 0.8, 0.5, 5000, groupWise: true)], "t");
        var writer = new StringWriter();

        SweepCsvWriter.Write(report, writer);

        string[] lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.AreEqual("0.1 0.2", Row(lines[0].Split(','), lines[1])["threshold:fc"]);
        Assert.Contains("group-wise", lines[1]);
    }

    [TestMethod]
    public void Save_WritesTheSameTextToTheFile()
    {
        SweepReport report = ReportData.Sweep();
        string path = Path.Combine(ReportData.TempFolder(), "sweep.csv");
        var writer = new StringWriter();

        SweepCsvWriter.Save(report, path);
        SweepCsvWriter.Write(report, writer);

        Assert.AreEqual(writer.ToString(), File.ReadAllText(path));
    }

    /// <summary>A row of a CSV without quoted fields, by column name.</summary>
    private static Dictionary<string, string> Row(string[] header, string line)
    {
        string[] fields = line.Split(',');
        Assert.HasCount(header.Length, fields, line);
        return header.Zip(fields).ToDictionary(x => x.First, x => x.Second);
    }
}
