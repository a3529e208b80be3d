namespace UnIT.ML.Data;

/// <summary>
/// Finds the Fashion-MNIST IDX files: in the directory named by the environment variable
/// <see cref="DirectoryVariable"/> when it is set, else where the Debian package
/// <c>dataset-fashion-mnist</c> installs them (<see cref="DefaultDirectory"/>).
/// </summary>
public sealed class FashionMnist
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> puts the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The environment variable that names another directory holding the files.</summary>
    public const string DirectoryVariable = "UNIT_FASHION_MNIST_DIR";

    /// <summary>The Debian package that ships the data set.</summary>
    public const string DebianPackage = "dataset-fashion-mnist";

    private static readonly string[] FileNames =
    [
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
    ];

    private FashionMnist(string directory, string[] files)
    {
        Directory = directory;
        TrainImages = files[0];
        TrainLabels = files[1];
        TestImages = files[2];
        TestLabels = files[3];
    }

    /// <summary>The directory the files were found in.</summary>
    public string Directory { get; }

    /// <summary>The 60,000 training images.</summary>
    public string TrainImages { get; }

    /// <summary>The 60,000 training labels.</summary>
    public string TrainLabels { get; }

    /// <summary>The 10,000 test images.</summary>
    public string TestImages { get; }

    /// <summary>The 10,000 test labels.</summary>
    public string TestLabels { get; }

    /// <summary>
    /// Finds the files in the directory named by <see cref="DirectoryVariable"/>, or else in
    /// <see cref="DefaultDirectory"/>. Each file may be gzip (<c>.gz</c>) or raw.
    /// </summary>
    /// <exception cref="DatasetException">A file is missing; the message says which package to install or which variable to set.</exception>
    public static FashionMnist Locate() => Locate(Environment.GetEnvironmentVariable(DirectoryVariable));

    /// <summary>Finds the files in <paramref name="directory"/>, or in <see cref="DefaultDirectory"/> when it is null or empty.</summary>
    /// <param name="directory">A directory holding the four IDX files, or null.</param>
    /// <exception cref="DatasetException">A file is missing.</exception>
    public static FashionMnist Locate(string? directory)
    {
        bool custom = !string.IsNullOrEmpty(directory);
        string dir = custom ? directory! : DefaultDirectory;
        var found = new string[FileNames.Length];
        for (int i = 0; i < FileNames.Length; i++)
        {
            string path = Path.Combine(dir, FileNames[i]);
            found[i] = File.Exists(path + ".gz") ? path + ".gz"
                : File.Exists(path) ? path
                : throw new DatasetException(custom
                    ? $"Fashion-MNIST file {FileNames[i]}.gz not found in '{dir}' (from {DirectoryVariable}). Point {DirectoryVariable} at a directory with {string.Join(", ", FileNames.Select(f => f + ".gz"))}, or unset it to use {DefaultDirectory}."
                    : $"Fashion-MNIST file {FileNames[i]}.gz not found in {DefaultDirectory}. Install it with `apt-get install -y {DebianPackage}`, or set {DirectoryVariable} to a directory holding the IDX files.");
        }
        return new FashionMnist(dir, found);
    }

    /// <summary>Loads training images with their labels.</summary>
    /// <param name="range">Which samples; null for all 60,000.</param>
    /// <param name="limit">The most samples from the start of the range; null for no limit.</param>
    public SampleSet LoadTrain(RangeSpec? range = null, int? limit = null) => DatasetLoader.Load(TrainImages, TrainLabels, range, limit);

    /// <summary>Loads test images with their labels.</summary>
    /// <param name="range">Which samples; null for all 10,000.</param>
    /// <param name="limit">The most samples from the start of the range; null for no limit.</param>
    public SampleSet LoadTest(RangeSpec? range = null, int? limit = null) => DatasetLoader.Load(TestImages, TestLabels, range, limit);
}
