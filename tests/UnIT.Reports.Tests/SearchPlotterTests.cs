namespace UnIT.Reports.Tests;

[TestClass]
public sealed class SearchPlotterTests
{
    [TestMethod]
    public void SavePng_WritesA1200x800Png()
    {
        string path = Path.Combine(ReportData.TempFolder(), "search.png");

        SearchPlotter.SavePng(ReportData.Search(), path);

        Assert.AreEqual((1200, 800), ReportData.PngSize(path));
    }

    [TestMethod]
    public void Build_LegendNamesValidationAndTestSeries()
    {
        string[] legend = SearchPlotter.Build(ReportData.Search()).Legend.GetItems().Select(i => i.LabelText).ToArray();

        CollectionAssert.Contains(legend, "single percentile, all layers (validation)");
        CollectionAssert.Contains(legend, "search result (validation)");
        CollectionAssert.Contains(legend, "search result (test)");
        CollectionAssert.Contains(legend, "best single percentile (test)");
        CollectionAssert.Contains(legend, "only conv1 pruned (validation)");
        CollectionAssert.Contains(legend, "limit D = 1 pts (feasible: drop + 2 SE <= D)");
    }
}
