using System.Buffers.Binary;
using System.IO.Compression;

namespace UnIT.Cli.Tests;

/// <summary>Commands check data files against the model (input size, class count) before reading them.</summary>
[TestClass]
public sealed class DataExpectationTests
{
    [TestMethod]
    public void PredictRefusesAnIdxOfOneHugeImageFromItsHeader()
    {
        // A gzip IDX header claiming one 30000x30000 image, with a 10-byte payload.
        var idx = new byte[26];
        BinaryPrimitives.WriteInt32BigEndian(idx, 0x0803);
        BinaryPrimitives.WriteInt32BigEndian(idx.AsSpan(4), 1);
        BinaryPrimitives.WriteInt32BigEndian(idx.AsSpan(8), 30000);
        BinaryPrimitives.WriteInt32BigEndian(idx.AsSpan(12), 30000);
        string path = Cli.TempFile("huge.gz", "");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gzip.Write(idx);
        }

        string error = Cli.SingleErrorLine(Cli.Run("predict", Cli.FashionModel, "--images", path));

        StringAssert.Contains(error, "30000x30000 = 900000000 pixels");
        StringAssert.Contains(error, "the model input [?,1,28,28] needs 784 values per sample");
    }

    [TestMethod]
    public void EvaluateRefusesALabelTheModelCannotPredict()
    {
        string[] Evaluate(string labelFile) => ["evaluate", Cli.FashionModel, "--images", Cli.FashionImages, "--labels", labelFile,
            "--limit", "2", "--percentile", "50", "--calibration-images", Cli.FashionImages, "--calibration-limit", "2"];
        string labels = Cli.TempFile("labels.csv", "label\n3\n12\n");
        var valid = Cli.Run(Evaluate(Cli.TempFile("labels.csv", "label\n3\n9\n")));
        Assert.AreEqual(0, valid.Code, valid.Err);

        string error = Cli.SingleErrorLine(Cli.Run(Evaluate(labels)));

        StringAssert.Contains(error, $"'{labels}' line 3");
        StringAssert.Contains(error, "label 12 is not a class: the model has 10 classes");
    }
}
