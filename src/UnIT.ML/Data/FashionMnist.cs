namespace UnIT.ML.Data;

/// <summary>
/// Finds the Fashion-MNIST IDX files (60,000 training and 10,000 test images): in the directory named by the
/// environment variable <see cref="DirectoryVariable"/> when it is set, else where the Debian package
/// <c>dataset-fashion-mnist</c> installs them (<see cref="DefaultDirectory"/>).
/// </summary>
public sealed class FashionMnist : IdxDataset
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> puts the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The environment variable that names another directory holding the files.</summary>
    public const string DirectoryVariable = "UNIT_FASHION_MNIST_DIR";

    /// <summary>The Debian package that ships the data set.</summary>
    public const string DebianPackage = "dataset-fashion-mnist";

    private FashionMnist(string directory, Func<string, string> missing) : base(directory, missing)
    {
    }

    /// <summary>
    /// Finds the files in the directory named by <see cref="DirectoryVariable"/>, or else in
    /// <see cref="DefaultDirectory"/>. Each file may be gzip (<c>.gz</c>) or raw.
    /// </summary>
    /// <exception cref="DatasetException">A file is missing; the message says which package to install or which variable to set.</exception>
    public static FashionMnist Locate() => Locate(Environment.GetEnvironmentVariable(DirectoryVariable));

    /// <summary>Finds the files in <paramref name="directory"/>, or in <see cref="DefaultDirectory"/> when it is null or empty.</summary>
    /// <param name="directory">A directory holding the four IDX files, or null.</param>
    /// <exception cref="DatasetException">A file is missing.</exception>
    public static FashionMnist Locate(string? directory) => string.IsNullOrEmpty(directory)
        ? new FashionMnist(DefaultDirectory, file =>
            $"Fashion-MNIST file {file} not found in {DefaultDirectory}. Install it with `apt-get install -y {DebianPackage}`, or set {DirectoryVariable} to a directory holding the IDX files.")
        : new FashionMnist(directory, file =>
            $"Fashion-MNIST file {file} not found in '{directory}' (from {DirectoryVariable}). Point {DirectoryVariable} at a directory with {string.Join(", ", FileNames.Select(f => f + ".gz"))}, or unset it to use {DefaultDirectory}.");
}
