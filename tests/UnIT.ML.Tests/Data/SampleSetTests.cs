using UnIT.ML.Data;
using UnIT.ML.Graph;

namespace UnIT.ML.Tests.Data;

[TestClass]
public sealed class SampleSetTests
{
    private static readonly Shape MnistInput = new(Shape.Dynamic, 1, 28, 28);

    [TestMethod]
    public void CountSharedWith_CountsTheSamplesThatOccurValueForValueInTheOtherSet()
    {
        float[] a = [1, 2, 3, 4, 5, 6, 1, 2];
        float[] b = [5, 6, 9, 9, 1, 2, 1, 2.5f];
        var first = new SampleSet(a, [2], "a");
        var second = new SampleSet(b, [2], "b");

        // a's samples (1,2), (3,4), (5,6), (1,2): three occur in b; b's (5,6) and (1,2) occur in a.
        Assert.AreEqual(3, first.CountSharedWith(second));
        Assert.AreEqual(2, second.CountSharedWith(first));
        Assert.AreEqual(0, first.CountSharedWith(new SampleSet([1, 2, 3, 4], [4], "c")), "other sample sizes share nothing");
    }

    [TestMethod]
    public void ToTensor_Images_ReshapesToTheModelInput()
    {
        SampleSet set = IdxReader.ReadImages(DataFiles.FashionTestImages, limit: 7);

        Tensor t = set.ToTensor(MnistInput);

        Assert.AreEqual(new Shape(7, 1, 28, 28), t.Shape);
        CollectionAssert.AreEqual(set.Data.ToArray(), t.Data);
    }

    [TestMethod]
    public void ToTensor_WrongSampleSize_NamesSourceSizesAndShape()
    {
        var set = new SampleSet(new float[10], [5], "five.csv");

        var e = Assert.ThrowsExactly<DatasetException>(() => set.ToTensor(MnistInput));

        Assert.Contains("five.csv", e.Message);
        Assert.Contains("5 values", e.Message);
        Assert.Contains("784", e.Message);
        Assert.Contains("[?,1,28,28]", e.Message);
    }

    [TestMethod]
    public void ToTensor_FlatRowsForImageModel_AreReshaped()
    {
        var set = new SampleSet(new float[2 * 784], [784], "rows.csv");

        Assert.AreEqual(new Shape(2, 1, 28, 28), set.ToTensor(MnistInput).Shape);
    }

    [TestMethod]
    public void Batches_SplitInOrderWithASmallerLastBatch()
    {
        SampleSet set = IdxReader.ReadImages(DataFiles.FashionTestImages);

        Tensor[] batches = set.Batches(MnistInput, 128).ToArray();

        CollectionAssert.AreEqual(new[] { 128, 128, 128, 116 }, batches.Select(b => b.Shape[0]).ToArray());
        CollectionAssert.AreEqual(set.Data.ToArray(), batches.SelectMany(b => b.Data).ToArray());
    }

    [TestMethod]
    public void Batches_WithoutModelShape_UseTheSampleDimensions()
    {
        SampleSet set = IdxReader.ReadImages(DataFiles.FashionTestImages, limit: 5);

        Assert.AreEqual(new Shape(5, 28, 28), set.Batches(10).Single().Shape);
    }

    [TestMethod]
    public void Batches_FixedModelBatch_UsesItAndRejectsARemainder()
    {
        var set = new SampleSet(new float[6 * 4], [4], "s");

        Assert.AreEqual(3, set.Batches(new Shape(2, 4), 100).Count());
        var e = Assert.ThrowsExactly<DatasetException>(() => set.Batches(new Shape(4, 4), 100));
        Assert.Contains("exactly 4", e.Message);
    }

    [TestMethod]
    public void WithLabels_CountMismatch_NamesBothFiles()
    {
        var set = new SampleSet(new float[6], [2], "images.idx");

        var e = Assert.ThrowsExactly<DatasetException>(() => set.WithLabels([1, 2], "labels.idx"));

        Assert.Contains("images.idx", e.Message);
        Assert.Contains("labels.idx", e.Message);
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, set.WithLabels([1, 2, 3], "labels.idx").Labels!.ToArray());
    }

    [TestMethod]
    public void Sample_GivesTheValuesOfOneSample()
    {
        var set = new SampleSet([1, 2, 3, 4, 5, 6], [3], "s");

        CollectionAssert.AreEqual(new[] { 4f, 5f, 6f }, set.Sample(1).ToArray());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => set.Sample(2));
    }

    [TestMethod]
    public void ToImages_TakeTheModelsImageShape_OrTheSamplesOwnHeightAndWidth_AndRefuseRowsWithNeither()
    {
        SampleSet digits = IdxReader.ReadImages(DataFiles.FashionTestImages, limit: 3);
        var flat = new Shape(Shape.Dynamic, 784);
        var rows = new SampleSet(new float[2 * 784], [784], "rows.csv");

        Tensor forFlatModel = digits.ToImages(flat);

        Assert.AreEqual(new Shape(3, 1, 28, 28), forFlatModel.Shape);
        CollectionAssert.AreEqual(digits.Data.ToArray(), forFlatModel.Data);
        Assert.AreEqual(new Shape(2, 1, 28, 28), rows.ToImages(MnistInput).Shape);
        Assert.AreEqual(new Shape(2, 4, 14, 14), new SampleSet(new float[2 * 784], [4, 14, 14], "planes").ToImages(flat).Shape);
        var e = Assert.ThrowsExactly<DatasetException>(() => rows.ToImages(flat));
        Assert.Contains("rows.csv", e.Message);
        Assert.Contains("[784]", e.Message);
        Assert.Contains("[?,784]", e.Message);
    }
}
