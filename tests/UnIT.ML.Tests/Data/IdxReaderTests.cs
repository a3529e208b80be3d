using UnIT.ML.Data;

namespace UnIT.ML.Tests.Data;

[TestClass]
public sealed class IdxReaderTests
{
    [TestMethod]
    public void ReadImages_Gzip_GivesEverySampleScaledToUnitRange()
    {
        SampleSet set = IdxReader.ReadImages(DataFiles.MnistTestImages);

        Assert.AreEqual(2000, set.Count);
        CollectionAssert.AreEqual(new[] { 28, 28 }, set.SampleDimensions.ToArray());
        Assert.AreEqual(784, set.SampleSize);
        float[] data = set.Data.ToArray();
        Assert.AreEqual(0f, data.Min());
        Assert.AreEqual(1f, data.Max());
        Assert.AreEqual(DataFiles.MnistTestImages, set.Source);
    }

    [TestMethod]
    public void ReadImages_RawFile_MatchesTheGzipFileAndTheBytes()
    {
        byte[] raw = DataFiles.Gunzip(DataFiles.MnistTestImages);
        string path = DataFiles.TempFile("images.gz", raw); // misleading name: detection is by content

        SampleSet fromRaw = IdxReader.ReadImages(path);
        SampleSet fromGzip = IdxReader.ReadImages(DataFiles.MnistTestImages);

        CollectionAssert.AreEqual(fromGzip.Data.ToArray(), fromRaw.Data.ToArray());
        Assert.AreEqual(raw[16 + 300] / 255f, fromRaw.Data.Span[300]);
    }

    [TestMethod]
    public void ReadLabels_Gzip_GivesDigits()
    {
        int[] labels = IdxReader.ReadLabels(DataFiles.MnistTestLabels);

        Assert.AreEqual(2000, labels.Length);
        Assert.IsTrue(labels.All(l => l is >= 0 and <= 9));
        Assert.AreEqual(10, labels.Distinct().Count());
    }

    [TestMethod]
    public void ReadImages_Range_GivesTheSameSamplesAsSlicingTheWholeFile()
    {
        SampleSet all = IdxReader.ReadImages(DataFiles.MnistTestImages);

        SampleSet part = IdxReader.ReadImages(DataFiles.MnistTestImages, new RangeSpec(1500, 1600));

        Assert.AreEqual(100, part.Count);
        CollectionAssert.AreEqual(all.Data.Slice(1500 * 784, 100 * 784).ToArray(), part.Data.ToArray());
    }

    [TestMethod]
    public void ReadImages_RangeOnRawFile_SeeksToTheSamples()
    {
        string path = DataFiles.TempFile("images.idx", DataFiles.Gunzip(DataFiles.MnistTestImages));
        SampleSet all = IdxReader.ReadImages(path);

        SampleSet part = IdxReader.ReadImages(path, new RangeSpec(1990, null));

        Assert.AreEqual(10, part.Count);
        CollectionAssert.AreEqual(all.Data.Slice(1990 * 784).ToArray(), part.Data.ToArray());
    }

    [TestMethod]
    public void ReadLabels_RangeAndLimit_TakeTheFirstLabelsOfTheRange()
    {
        int[] all = IdxReader.ReadLabels(DataFiles.MnistTestLabels);

        int[] part = IdxReader.ReadLabels(DataFiles.MnistTestLabels, new RangeSpec(10, 100), limit: 5);

        CollectionAssert.AreEqual(all[10..15], part);
    }

    [TestMethod]
    public void ReadImages_Limit_ReadsOnlyTheFirstSamples()
    {
        SampleSet set = IdxReader.ReadImages(DataFiles.FashionTestImages, limit: 3);

        Assert.AreEqual(3, set.Count);
    }

    [TestMethod]
    public void ReadImages_NonSeekableStream_IsDecompressedAndRead()
    {
        using var stream = new NonSeekableStream(File.ReadAllBytes(DataFiles.FashionTestImages));

        SampleSet set = IdxReader.ReadImages(stream, "fashion", new RangeSpec(499, null));

        Assert.AreEqual(1, set.Count);
        CollectionAssert.AreEqual(IdxReader.ReadImages(DataFiles.FashionTestImages).Sample(499).ToArray(), set.Sample(0).ToArray());
    }

    [TestMethod]
    public void ReadImages_RangeBeyondTheFile_NamesTheFileAndItsSampleCount()
    {
        var e = Assert.ThrowsExactly<DatasetException>(() => IdxReader.ReadImages(DataFiles.FashionTestImages, new RangeSpec(400, 600)));

        Assert.Contains(DataFiles.FashionTestImages, e.Message);
        Assert.Contains("500 samples", e.Message);
    }

    [TestMethod]
    public void ReadImages_LabelFile_SaysItIsALabelFile()
    {
        var e = Assert.ThrowsExactly<DatasetException>(() => IdxReader.ReadImages(DataFiles.MnistTestLabels));

        Assert.Contains(DataFiles.MnistTestLabels, e.Message);
        Assert.Contains("is an IDX label file", e.Message);
    }

    [TestMethod]
    public void ReadLabels_BadMagic_ReportsTheMagicNumber()
    {
        string path = DataFiles.TempFile("labels", new byte[] { 0, 0, 0x0c, 0x01, 0, 0, 0, 1, 7 });

        var e = Assert.ThrowsExactly<DatasetException>(() => IdxReader.ReadLabels(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("magic number 2049", e.Message);
        Assert.Contains("3073", e.Message);
    }

    [TestMethod]
    public void ReadImages_TruncatedRawFile_SaysTruncated()
    {
        byte[] raw = DataFiles.Gunzip(DataFiles.FashionTestImages);
        string path = DataFiles.TempFile("cut.idx", raw[..(16 + 784 * 10 + 100)]);

        Assert.AreEqual(10, IdxReader.ReadImages(path, limit: 10).Count);
        var e = Assert.ThrowsExactly<DatasetException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
        // 500 images of 784 pixels were declared; the count covers all the missing ones, not one read chunk.
        Assert.Contains($"ends {784 * 500 - (784 * 10 + 100)} byte(s) short", e.Message);
    }

    [TestMethod]
    public void ReadImages_TruncatedHeader_SaysTruncated()
    {
        string path = DataFiles.TempFile("header.idx", new byte[] { 0, 0, 8, 3, 0, 0 });

        var e = Assert.ThrowsExactly<DatasetException>(() => IdxReader.ReadImages(path));

        Assert.Contains("truncated", e.Message);
    }

    [TestMethod]
    public void ReadImages_TruncatedGzipFile_NamesTheFile()
    {
        byte[] gz = File.ReadAllBytes(DataFiles.FashionTestImages);
        string path = DataFiles.TempFile("cut.gz", gz[..(gz.Length / 2)]);

        var e = Assert.ThrowsExactly<DatasetException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [TestMethod]
    public void ReadImages_MissingFile_ThrowsFileNotFoundNamingIt()
    {
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => IdxReader.ReadImages("/no/such/images.gz"));

        Assert.Contains("/no/such/images.gz", e.Message);
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
