using UnIT.ML.Sweeps;

namespace UnIT.Reports.Tests;

[TestClass]
public sealed class SearchTableTests
{
    [TestMethod]
    public void Layers_ShowsEachLayersPercentileAndThreshold()
    {
        string text = SweepTableTests.Render(SearchTable.Layers(ReportData.Search()));

        Assert.Contains("conv1", text);
        Assert.Contains("50", text);
        Assert.Contains("0.25", text);
    }

    [TestMethod]
    public void Summary_ComparesSearchAndBestUniformOnValidationAndTest()
    {
        string text = SweepTableTests.Render(SearchTable.Summary(ReportData.Search()));

        Assert.Contains("best single percentile (p=30)", text);
        string[] rows = text.Split('\n').Where(l => l.Contains("search") || l.Contains("best single percentile")).ToArray();
        Assert.HasCount(4, rows, text);
        Assert.AreEqual(2, rows.Count(r => r.Contains("validation")));
        Assert.AreEqual(2, rows.Count(r => r.Contains("test")));
        Assert.Contains("55.0", text, "skipped % of the result");
    }

    [TestMethod]
    public void Summary_NamesNoPercentileForAnEqualErrorLevel()
    {
        string text = SweepTableTests.Render(SearchTable.Summary(ReportData.Search(uniformIsOnePercentile: false)));

        Assert.DoesNotContain("p=0", text);
        Assert.Contains("best single percentile (one level, equal error)", text);
        SearchReport sensitivity = ReportData.Search(uniformIsOnePercentile: false, allocation: GroupAllocation.Sensitivity);
        Assert.Contains("best single percentile (one level, sensitivity-weighted)", SweepTableTests.Render(SearchTable.Summary(sensitivity)));
    }
}
