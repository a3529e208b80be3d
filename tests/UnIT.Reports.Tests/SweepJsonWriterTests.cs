using System.Text.Json;

namespace UnIT.Reports.Tests;

[TestClass]
public sealed class SweepJsonWriterTests
{
    [TestMethod]
    public void Write_TitleAndEveryPointWithCoordinatesMetricsLayersAndFronts()
    {
        SweepReport report = ReportData.Sweep();
        var writer = new StringWriter();

        SweepJsonWriter.Write(report, writer);

        using JsonDocument doc = JsonDocument.Parse(writer.ToString());
        JsonElement root = doc.RootElement;
        Assert.AreEqual(report.Title, root.GetProperty("title").GetString());
        JsonElement[] points = root.GetProperty("points").EnumerateArray().ToArray();
        Assert.HasCount(report.Points.Count, points);
        JsonElement p30 = points[1];
        JsonElement coordinates = p30.GetProperty("coordinates");
        Assert.AreEqual("unit", coordinates.GetProperty("kind").GetString());
        Assert.AreEqual(30, coordinates.GetProperty("percentile").GetDouble());
        Assert.AreEqual("UnIT exact (float32)", coordinates.GetProperty("series").GetString());
        Assert.AreEqual(0.4, p30.GetProperty("skipped_fraction").GetDouble(), 1e-12);
        Assert.AreEqual(0.0, p30.GetProperty("accuracy_drop").GetDouble(), 1e-12);
        Assert.IsGreaterThan(0, p30.GetProperty("accuracy_drop_standard_error").GetDouble());
        Assert.AreEqual(7000, p30.GetProperty("cycles").GetDouble());
        Assert.AreEqual(2, p30.GetProperty("layers").GetArrayLength());
        Assert.AreEqual(0.5f, p30.GetProperty("thresholds").GetProperty("layers").GetProperty("conv1")[0].GetSingle());
        Assert.IsTrue(p30.GetProperty("pareto_skipped").GetBoolean());
        Assert.IsFalse(points[0].GetProperty("pareto_cycles").GetBoolean());
        Assert.AreEqual(JsonValueKind.Null, points[0].GetProperty("coordinates").GetProperty("percentile").ValueKind);
    }

    [TestMethod]
    public void Write_ThresholdsCanBeReadBackAsAThresholdSet()
    {
        var writer = new StringWriter();
        SweepJsonWriter.Write(ReportData.Sweep(), writer);

        using JsonDocument doc = JsonDocument.Parse(writer.ToString());
        string thresholds = doc.RootElement.GetProperty("points")[1].GetProperty("thresholds").GetRawText();
        ML.Pruning.ThresholdSet set = ML.Pruning.ThresholdSet.FromJson(thresholds);

        Assert.AreEqual(0.25f, set.For("fc")![0]);
        Assert.AreEqual("percentile", set.Method);
    }
}
