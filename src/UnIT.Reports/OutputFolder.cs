namespace UnIT.Reports;

/// <summary>
/// The folder a command writes its reports into. <see cref="Prepare"/> checks every file a run will write
/// before the run starts, so a long run never fails at the end on an existing file, and nothing existing is
/// overwritten unless overwriting was asked for.
/// </summary>
public sealed class OutputFolder
{
    private readonly HashSet<string> _names;

    private OutputFolder(string directory, IEnumerable<string> names)
    {
        Directory = directory;
        _names = new HashSet<string>(names, StringComparer.Ordinal);
    }

    /// <summary>The folder's full path.</summary>
    public string Directory { get; }

    /// <summary>
    /// Creates the folder if needed and claims <paramref name="fileNames"/> in it.
    /// </summary>
    /// <param name="directory">The folder; created with its parents when missing.</param>
    /// <param name="force">Whether existing files of those names may be overwritten.</param>
    /// <param name="fileNames">Plain file names (no folders) the run will write.</param>
    /// <exception cref="OutputExistsException">A file exists and <paramref name="force"/> is false; the first one found is named.</exception>
    /// <exception cref="ArgumentException">A name is empty or has a folder part.</exception>
    public static OutputFolder Prepare(string directory, bool force, IEnumerable<string> fileNames)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(fileNames);
        string full = Path.GetFullPath(directory);
        string[] names = fileNames.ToArray();
        foreach (string name in names)
        {
            if (string.IsNullOrWhiteSpace(name) || Path.GetFileName(name) != name)
            {
                throw new ArgumentException($"Output file name '{name}' must be a plain file name without a folder.", nameof(fileNames));
            }
        }
        if (File.Exists(full))
        {
            throw new IOException($"Output folder '{full}' is an existing file.");
        }
        if (!force)
        {
            foreach (string name in names)
            {
                string path = Path.Combine(full, name);
                if (File.Exists(path) || System.IO.Directory.Exists(path))
                {
                    throw new OutputExistsException(path);
                }
            }
        }
        System.IO.Directory.CreateDirectory(full);
        return new OutputFolder(full, names);
    }

    /// <summary>The full path of a claimed file.</summary>
    /// <exception cref="InvalidOperationException">The name was not claimed in <see cref="Prepare"/>, so it was never checked.</exception>
    public string PathOf(string fileName) => _names.Contains(fileName)
        ? Path.Combine(Directory, fileName)
        : throw new InvalidOperationException($"Output file '{fileName}' was not claimed when the folder '{Directory}' was prepared.");
}
