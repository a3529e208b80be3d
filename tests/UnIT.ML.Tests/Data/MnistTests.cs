using UnIT.ML.Data;

namespace UnIT.ML.Tests.Data;

[TestClass]
public sealed class MnistTests
{
    [TestMethod]
    public void Locate_DirectoryWithTheFiles_FindsGzipAndRawNames()
    {
        string dir = DataFiles.IdxDirectory(DataFiles.MnistValImages, DataFiles.MnistValLabels, DataFiles.MnistTestImages, DataFiles.MnistTestLabels);

        Mnist mnist = Mnist.Locate(dir);

        Assert.AreEqual(Path.Combine(dir, "t10k-images-idx3-ubyte"), mnist.TestImages);
        Assert.AreEqual(Path.Combine(dir, "train-images-idx3-ubyte.gz"), mnist.TrainImages);
        Assert.AreEqual(2000, mnist.LoadTest().Count);
        SampleSet train = mnist.LoadTrain(new RangeSpec(10, 30));
        CollectionAssert.AreEqual(IdxReader.ReadLabels(DataFiles.MnistValLabels)[10..30], train.Labels!.ToArray());
    }

    [TestMethod]
    public void Locate_DirectoryWithoutTheFiles_NamesTheFileTheVariableAndTheFetchScript()
    {
        string dir = DataFiles.TempDirectory();
        File.Copy(DataFiles.MnistValImages, Path.Combine(dir, "train-images-idx3-ubyte.gz"));

        var e = Assert.ThrowsExactly<DatasetException>(() => Mnist.Locate(dir));

        Assert.Contains("train-labels-idx1-ubyte.gz", e.Message);
        Assert.Contains(dir, e.Message);
        Assert.Contains(Mnist.DirectoryVariable, e.Message);
        Assert.Contains($"bash {Mnist.FetchScript} '{dir}'", e.Message);
    }

    [TestMethod]
    public void DefaultDirectory_FollowsXdgCacheHome()
    {
        string? saved = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        try
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/some/cache");
            Assert.AreEqual(Path.Combine("/some/cache", "unit-ml", "mnist"), Mnist.DefaultDirectory);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", null);
            Assert.EndsWith(Path.Combine(".cache", "unit-ml", "mnist"), Mnist.DefaultDirectory);
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", saved);
        }
    }

    [TestMethod]
    public void Locate_Default_FindsTheFetchedFilesWhoseUnseenDigitsTheShippedSplitsDoNotHold()
    {
        Mnist mnist;
        try
        {
            mnist = Mnist.Locate();
        }
        catch (DatasetException e)
        {
            Assert.Contains(Mnist.FetchScript, e.Message);
            throw Prerequisite.Missing($"The full MNIST is not fetched ({Mnist.FetchScript}): {e.Message}");
        }

        // The held-out claim behind Mnist.UnseenTrainRange: every shipped digit is one of the first 10,000 training
        // images, and none is among the others or the test images.
        SampleSet subset = mnist.LoadTrain(new RangeSpec(0, Mnist.SubsetCount));
        SampleSet unseen = mnist.LoadTrain(Mnist.UnseenTrainRange);
        SampleSet test = mnist.LoadTest();
        Assert.AreEqual(50_000, unseen.Count);
        Assert.AreEqual(10_000, test.Count);
        foreach ((string images, string labels) in new[] { (DataFiles.MnistValImages, DataFiles.MnistValLabels), (DataFiles.MnistTestImages, DataFiles.MnistTestLabels) })
        {
            SampleSet shipped = DatasetLoader.Load(images, labels, null, null);
            Assert.AreEqual(shipped.Count, shipped.CountSharedWith(subset), images);
            Assert.AreEqual(0, shipped.CountSharedWith(unseen), images);
            Assert.AreEqual(0, shipped.CountSharedWith(test), images);
        }
    }
}
