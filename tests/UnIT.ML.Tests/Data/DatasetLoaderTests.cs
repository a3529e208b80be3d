using UnIT.ML.Data;

namespace UnIT.ML.Tests.Data;

[TestClass]
public sealed class DatasetLoaderTests
{
    [TestMethod]
    public void Load_GzipIdx_ReadsImages()
    {
        SampleSet set = DatasetLoader.Load(DataFiles.FashionTestImages, new RangeSpec(10, 20));

        Assert.AreEqual(10, set.Count);
        Assert.AreEqual(784, set.SampleSize);
    }

    [TestMethod]
    public void Load_RawIdxNamedCsv_IsStillReadAsIdx()
    {
        string path = DataFiles.TempFile("images.csv", DataFiles.Gunzip(DataFiles.FashionTestImages));

        Assert.AreEqual(500, DatasetLoader.Load(path).Count);
    }

    [TestMethod]
    public void Load_Csv_ReadsRows()
    {
        string path = DataFiles.TempFile("data.idx", "1,2,3,4,5\n6,7,8,9,10\n");

        SampleSet set = DatasetLoader.Load(path);

        Assert.AreEqual(2, set.Count);
        Assert.AreEqual(5, set.SampleSize);
    }

    [TestMethod]
    public void Load_WithLabels_AppliesTheRangeToBoth()
    {
        int[] all = IdxReader.ReadLabels(DataFiles.FashionTestLabels);

        SampleSet set = DatasetLoader.Load(DataFiles.FashionTestImages, DataFiles.FashionTestLabels, new RangeSpec(100, null), limit: 50);

        Assert.AreEqual(50, set.Count);
        CollectionAssert.AreEqual(all[100..150], set.Labels!.ToArray());
    }

    [TestMethod]
    public void Load_LabelsOfAnotherSize_NamesBothFiles()
    {
        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetLoader.Load(DataFiles.MnistTestImages, DataFiles.FashionTestLabels));

        Assert.Contains(DataFiles.FashionTestLabels, e.Message);
    }

    [TestMethod]
    public void LoadLabels_Csv_ReadsOneColumn()
    {
        string path = DataFiles.TempFile("labels.txt", "4\n2\n");

        CollectionAssert.AreEqual(new[] { 4, 2 }, DatasetLoader.LoadLabels(path));
    }

    [TestMethod]
    public void Load_BinaryGarbage_SaysNeitherIdxNorCsv()
    {
        string path = DataFiles.TempFile("model.onnx", new byte[] { 0x08, 0x07, 0x12, 0x00, 0x01, 0xff });

        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetLoader.Load(path));

        Assert.Contains("neither an IDX file", e.Message);
        Assert.Contains(path, e.Message);
    }

    [TestMethod]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.ThrowsExactly<FileNotFoundException>(() => DatasetLoader.Load("/no/such/file.csv"));
    }
}
