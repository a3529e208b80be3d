namespace UnIT.ML.Data;

/// <summary>
/// A data set distributed as the four standard IDX files in one directory, as MNIST and Fashion-MNIST are:
/// <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c> and
/// <c>t10k-labels-idx1-ubyte</c>, each gzip (<c>.gz</c>, preferred when both exist) or raw.
/// </summary>
public abstract class IdxDataset
{
    /// <summary>The four files' names without <c>.gz</c>: training images and labels, then test images and labels.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
    [
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
    ];

    /// <summary>Finds the four files in <paramref name="directory"/>.</summary>
    /// <param name="directory">Where to look.</param>
    /// <param name="missing">The message for a missing file, given the file's name with <c>.gz</c>.</param>
    /// <exception cref="DatasetException">A file is missing.</exception>
    private protected IdxDataset(string directory, Func<string, string> missing)
    {
        string[] found = [.. FileNames.Select(name => Path.Combine(directory, name)).Select(path =>
            File.Exists(path + ".gz") ? path + ".gz"
            : File.Exists(path) ? path
            : throw new DatasetException(missing(Path.GetFileName(path) + ".gz")))];
        Directory = directory;
        TrainImages = found[0];
        TrainLabels = found[1];
        TestImages = found[2];
        TestLabels = found[3];
    }

    /// <summary>The directory the files were found in.</summary>
    public string Directory { get; }

    /// <summary>The training images.</summary>
    public string TrainImages { get; }

    /// <summary>The training labels.</summary>
    public string TrainLabels { get; }

    /// <summary>The test images.</summary>
    public string TestImages { get; }

    /// <summary>The test labels.</summary>
    public string TestLabels { get; }

    /// <summary>Loads training images with their labels.</summary>
    /// <param name="range">Which samples; null for all of them.</param>
    /// <param name="limit">The most samples from the start of the range; null for no limit.</param>
    public SampleSet LoadTrain(RangeSpec? range = null, int? limit = null) => DatasetLoader.Load(TrainImages, TrainLabels, range, limit);

    /// <summary>Loads test images with their labels.</summary>
    /// <param name="range">Which samples; null for all of them.</param>
    /// <param name="limit">The most samples from the start of the range; null for no limit.</param>
    public SampleSet LoadTest(RangeSpec? range = null, int? limit = null) => DatasetLoader.Load(TestImages, TestLabels, range, limit);
}
