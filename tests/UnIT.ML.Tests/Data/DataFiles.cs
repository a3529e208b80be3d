using System.IO.Compression;

namespace UnIT.ML.Tests.Data;

/// <summary>Paths of the shipped data files, and scratch files for tests that need broken or converted copies.</summary>
internal static class DataFiles
{
    public static string Asset(string relative) => Path.Combine(AppContext.BaseDirectory, "assets", "data", relative);

    public static string MnistTestImages => Asset("mnist/mnist-test-images-idx3-ubyte.gz");

    public static string MnistTestLabels => Asset("mnist/mnist-test-labels-idx1-ubyte.gz");

    public static string MnistValImages => Asset("mnist/mnist-val-images-idx3-ubyte.gz");

    public static string MnistValLabels => Asset("mnist/mnist-val-labels-idx1-ubyte.gz");

    public static string FashionTestImages => Asset("fashion-mnist/test-500-images-idx3-ubyte.gz");

    public static string FashionTestLabels => Asset("fashion-mnist/test-500-labels-idx1-ubyte.gz");

    /// <summary>A new empty directory under the system temp folder.</summary>
    public static string TempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "unit-data-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// A new directory laid out as an IDX data set (<c>IdxDataset</c>) from shipped gzip files: the training pair and the
    /// test labels as <c>.gz</c>, the test images raw, so that a locator must find both forms.
    /// </summary>
    public static string IdxDirectory(string trainImages, string trainLabels, string testImages, string testLabels)
    {
        string dir = TempDirectory();
        File.Copy(trainImages, Path.Combine(dir, "train-images-idx3-ubyte.gz"));
        File.Copy(trainLabels, Path.Combine(dir, "train-labels-idx1-ubyte.gz"));
        File.WriteAllBytes(Path.Combine(dir, "t10k-images-idx3-ubyte"), Gunzip(testImages));
        File.Copy(testLabels, Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        return dir;
    }

    /// <summary>Writes <paramref name="bytes"/> to a new temp file named <paramref name="name"/>.</summary>
    public static string TempFile(string name, byte[] bytes)
    {
        string path = Path.Combine(TempDirectory(), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Writes <paramref name="text"/> to a new temp file named <paramref name="name"/>.</summary>
    public static string TempFile(string name, string text) => TempFile(name, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>The decompressed bytes of a gzip file.</summary>
    public static byte[] Gunzip(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>The gzip-compressed form of <paramref name="bytes"/>.</summary>
    public static byte[] Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }
        return buffer.ToArray();
    }
}
