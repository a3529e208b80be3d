using UnIT.ML.Data;

namespace UnIT.ML.Tests.Data;

[TestClass]
public sealed class CsvReaderTests
{
    private static SampleSet Read(string text, RangeSpec? range = null, int? limit = null) =>
        CsvReader.Read(new StringReader(text), "test.csv", range, limit);

    [TestMethod]
    public void Read_Numbers_UsesTheInvariantCulture()
    {
        SampleSet set = Read("1.5,-2e-3,3\n4,5,6\n");

        Assert.AreEqual(2, set.Count);
        CollectionAssert.AreEqual(new[] { 3 }, set.SampleDimensions.ToArray());
        CollectionAssert.AreEqual(new[] { 1.5f, -2e-3f, 3f, 4f, 5f, 6f }, set.Data.ToArray());
    }

    [TestMethod]
    public void Read_NonNumericFirstRow_IsSkippedAsHeader()
    {
        SampleSet set = Read("a,b\n1,2\n\n3, 4\r\n");

        Assert.AreEqual(2, set.Count);
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f, 4f }, set.Data.ToArray());
    }

    [TestMethod]
    public void Read_RaggedRow_NamesTheLineNumber()
    {
        var e = Assert.ThrowsExactly<DatasetException>(() => Read("x,y\n1,2\n3,4,5\n"));

        Assert.Contains("test.csv", e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("3 values", e.Message);
    }

    [TestMethod]
    public void Read_NonNumericValue_NamesLineAndColumn()
    {
        var e = Assert.ThrowsExactly<DatasetException>(() => Read("1,2\n3,x4\n"));

        Assert.Contains("line 2, column 2", e.Message);
        Assert.Contains("'x4'", e.Message);
    }

    [TestMethod]
    public void Read_RangeAndLimit_CountDataRowsAfterTheHeader()
    {
        const string text = "v\n0\n1\n2\n3\n4\n5\n";

        CollectionAssert.AreEqual(new[] { 2f, 3f }, Read(text, new RangeSpec(2, 4)).Data.ToArray());
        CollectionAssert.AreEqual(new[] { 4f, 5f }, Read(text, new RangeSpec(4, null)).Data.ToArray());
        CollectionAssert.AreEqual(new[] { 1f, 2f }, Read(text, new RangeSpec(1, null), limit: 2).Data.ToArray());
    }

    [TestMethod]
    public void Read_RangeBeyondTheRows_NamesTheRowCount()
    {
        var e = Assert.ThrowsExactly<DatasetException>(() => Read("0\n1\n2\n", new RangeSpec(1, 5), limit: 1));

        Assert.Contains("3 samples", e.Message);
        Assert.Contains("test.csv", e.Message);
    }

    [TestMethod]
    public void Read_HeaderOnly_SaysThereAreNoSamples()
    {
        var e = Assert.ThrowsExactly<DatasetException>(() => Read("a,b,c\n"));

        Assert.Contains("no samples", e.Message);
    }

    [TestMethod]
    public void Read_GzipFile_IsDecompressed()
    {
        string path = DataFiles.TempFile("rows.txt", DataFiles.Gzip("1,2\n3,4\n"u8.ToArray()));

        SampleSet set = CsvReader.Read(path);

        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f, 4f }, set.Data.ToArray());
        Assert.AreEqual(path, set.Source);
    }

    [TestMethod]
    public void ReadLabels_OneColumn_GivesWholeNumbers()
    {
        string path = DataFiles.TempFile("labels.csv", "label\n3\n0\n9\n");

        CollectionAssert.AreEqual(new[] { 3, 0, 9 }, CsvReader.ReadLabels(path));
        CollectionAssert.AreEqual(new[] { 0, 9 }, CsvReader.ReadLabels(path, new RangeSpec(1, null)));
    }

    [TestMethod]
    public void ReadLabels_TwoColumns_Throws()
    {
        string path = DataFiles.TempFile("labels.csv", "1,2\n");

        var e = Assert.ThrowsExactly<DatasetException>(() => CsvReader.ReadLabels(path));

        Assert.Contains("exactly one", e.Message);
    }
}
