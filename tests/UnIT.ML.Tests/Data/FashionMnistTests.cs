using UnIT.ML.Data;

namespace UnIT.ML.Tests.Data;

[TestClass]
public sealed class FashionMnistTests
{
    [TestMethod]
    public void Locate_DirectoryWithTheFiles_FindsGzipAndRawNames()
    {
        string dir = DataFiles.IdxDirectory(DataFiles.FashionTestImages, DataFiles.FashionTestLabels, DataFiles.FashionTestImages, DataFiles.FashionTestLabels);

        FashionMnist fm = FashionMnist.Locate(dir);

        Assert.AreEqual(Path.Combine(dir, "t10k-images-idx3-ubyte"), fm.TestImages);
        SampleSet test = fm.LoadTest(new RangeSpec(0, 20));
        Assert.AreEqual(20, test.Count);
        CollectionAssert.AreEqual(fm.LoadTrain(limit: 20).Data.ToArray(), test.Data.ToArray());
    }

    [TestMethod]
    public void Locate_DirectoryWithoutTheFiles_NamesTheVariableAndTheFile()
    {
        string dir = DataFiles.TempDirectory();

        var e = Assert.ThrowsExactly<DatasetException>(() => FashionMnist.Locate(dir));

        Assert.Contains(FashionMnist.DirectoryVariable, e.Message);
        Assert.Contains("train-images-idx3-ubyte.gz", e.Message);
        Assert.Contains(dir, e.Message);
    }

    [TestMethod]
    public void Locate_Default_FindsThePackageOrSaysWhatToInstall()
    {
        FashionMnist fm;
        try
        {
            fm = FashionMnist.Locate(null);
        }
        catch (DatasetException e)
        {
            Assert.Contains("apt-get install -y dataset-fashion-mnist", e.Message);
            Assert.Contains(FashionMnist.DirectoryVariable, e.Message);
            // The message is right, but the package's files were not compared with the shipped subset.
            throw Prerequisite.Missing($"The Debian package {FashionMnist.DebianPackage} is not installed: {e.Message}");
        }

        // The shipped test subset is the first 500 images of the package's test set.
        SampleSet first = fm.LoadTest(new RangeSpec(0, 500));
        CollectionAssert.AreEqual(IdxReader.ReadImages(DataFiles.FashionTestImages).Data.ToArray(), first.Data.ToArray());
        CollectionAssert.AreEqual(IdxReader.ReadLabels(DataFiles.FashionTestLabels), first.Labels!.ToArray());
    }
}
