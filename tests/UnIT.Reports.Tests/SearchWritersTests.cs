using System.Text.Json;

namespace UnIT.Reports.Tests;

[TestClass]
public sealed class SearchWritersTests
{
    [TestMethod]
    public void Csv_OneRowPerEvaluation_WithPhaseAndLayerPercentiles()
    {
        var writer = new StringWriter();

        SearchCsvWriter.Write(ReportData.Search(), writer);

        string[] lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.HasCount(6, lines);
        string[] header = lines[0].Split(',');
        CollectionAssert.AreEqual(new[]
        {
            "evaluation", "phase", "accepted", "feasible", "objective", "confidence_z", "standard_error", "damage", "holdout_drop",
            "percentile:conv1", "percentile:fc", "kind",
        }, header[..12]);
        string[] last = lines[5].Split(',');
        CollectionAssert.AreEqual(new[] { "5", "Greedy", "true", "true", "0.55", "2", "0.003", "0.05", "", "50", "30", "Search" }, last[..12]);
        Assert.AreEqual("", lines[1].Split(',')[9], "off layers have no percentile");
        Assert.AreEqual("false", lines[3].Split(',')[3]);
    }

    [TestMethod]
    public void Json_HasResultOptionsTestPointsAndTrace()
    {
        var writer = new StringWriter();

        SearchJsonWriter.Write(ReportData.Search(), writer);

        using JsonDocument doc = JsonDocument.Parse(writer.ToString());
        JsonElement root = doc.RootElement;
        Assert.AreEqual("test model, D = 1 pt", root.GetProperty("title").GetString());
        Assert.AreEqual("search", root.GetProperty("thresholds").GetProperty("method").GetString());
        Assert.AreEqual(50, root.GetProperty("layer_percentiles").GetProperty("conv1").GetDouble());
        Assert.AreEqual(0.01, root.GetProperty("options").GetProperty("max_accuracy_drop").GetDouble());
        Assert.AreEqual("macs", root.GetProperty("options").GetProperty("objective").GetString());
        Assert.AreEqual(5, root.GetProperty("evaluations").GetInt32());
        Assert.AreEqual(5, root.GetProperty("trace").GetArrayLength());
        Assert.AreEqual("greedy", root.GetProperty("trace")[4].GetProperty("phase").GetString());
        Assert.AreEqual(0.89, root.GetProperty("test").GetProperty("accuracy").GetDouble());
        Assert.AreEqual(30, root.GetProperty("best_uniform").GetProperty("coordinates").GetProperty("percentile").GetDouble());
        Assert.AreEqual(0.895, root.GetProperty("uniform_test").GetProperty("accuracy").GetDouble());
    }

    [TestMethod]
    public void Json_WithoutTest_HasNullTestPoints()
    {
        var writer = new StringWriter();

        SearchJsonWriter.Write(ReportData.Search(withTest: false), writer);

        using JsonDocument doc = JsonDocument.Parse(writer.ToString());
        Assert.AreEqual(JsonValueKind.Null, doc.RootElement.GetProperty("test").ValueKind);
    }
}
