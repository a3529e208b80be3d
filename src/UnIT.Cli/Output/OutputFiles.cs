using UnIT.Reports;

namespace UnIT.Cli.Output;

/// <summary>
/// Output files named by path (<c>--save-thresholds</c>, <c>--save-logits</c>, <c>--save-model</c>): each file's folder is
/// prepared as an <see cref="OutputFolder"/>, so it is locked for the command, an existing file is refused before
/// the run unless <c>--force</c>, and files are written whole by a rename that never replaces a file that appeared
/// meanwhile without <c>--force</c>. Dispose to release the folders.
/// </summary>
internal sealed class OutputFiles : IDisposable
{
    private readonly Dictionary<string, OutputFolder> _folderOf;
    private readonly List<OutputFolder> _folders;

    private OutputFiles(Dictionary<string, OutputFolder> folderOf, List<OutputFolder> folders)
    {
        _folderOf = folderOf;
        _folders = folders;
    }

    /// <summary>Prepares the folders of the given paths (null ones are skipped).</summary>
    /// <exception cref="ArgumentException">A path names a folder, or two outputs name the same file.</exception>
    public static OutputFiles Claim(bool force, params string?[] paths)
    {
        foreach (string path in paths.OfType<string>())
        {
            if (Path.GetFileName(Path.GetFullPath(path)).Length == 0 || Directory.Exists(path))
            {
                throw new ArgumentException($"Output '{path}' is a folder; give a file path.");
            }
        }
        string[] files = paths.OfType<string>().Select(p => Path.GetFullPath(p)).ToArray();
        if (files.GroupBy(f => f, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Two outputs name the same file '{twice.Key}'; give each its own file.");
        }
        var folderOf = new Dictionary<string, OutputFolder>(StringComparer.Ordinal);
        var folders = new List<OutputFolder>();
        try
        {
            foreach (IGrouping<string, string> group in files.GroupBy(f => Path.GetDirectoryName(f)!, StringComparer.Ordinal))
            {
                OutputFolder folder = OutputFolder.Prepare(group.Key, force, group.Select(f => Path.GetFileName(f)));
                folders.Add(folder);
                foreach (string file in group)
                {
                    folderOf[file] = folder;
                }
            }
        }
        catch
        {
            folders.ForEach(f => f.Dispose());
            throw;
        }
        return new OutputFiles(folderOf, folders);
    }

    /// <summary>Writes the claimed file at <paramref name="path"/>.</summary>
    public void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        _folderOf[full].Write(Path.GetFileName(full), write);
    }

    /// <summary>Writes the claimed text file at <paramref name="path"/>.</summary>
    public void WriteText(string path, Action<TextWriter> write)
    {
        string full = Path.GetFullPath(path);
        _folderOf[full].WriteText(Path.GetFileName(full), write);
    }

    /// <summary>Releases every folder.</summary>
    public void Dispose() => _folders.ForEach(f => f.Dispose());
}
