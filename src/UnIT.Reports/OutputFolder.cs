namespace UnIT.Reports;

/// <summary>
/// The folder a command writes its reports into. <see cref="Prepare"/> locks the folder against other commands
/// and checks every file a run will write before the run starts, so a long run never fails at the end on an
/// existing file and two runs never write into one folder at once. Files are written with <see cref="AtomicFile"/>:
/// complete or not at all, and nothing existing is replaced unless overwriting was asked for, even a file that
/// appeared after <see cref="Prepare"/>. Dispose the folder to release the lock.
/// </summary>
public sealed class OutputFolder : IDisposable
{
    /// <summary>The lock file, held open exclusively while a command writes into the folder, and deleted when released.</summary>
    public const string LockFileName = ".unit-prune.lock";

    private readonly HashSet<string> _names;
    private readonly bool _force;
    private readonly bool _created;
    private FileStream? _lock;

    private OutputFolder(string directory, IEnumerable<string> names, bool force, FileStream lockFile, bool created)
    {
        Directory = directory;
        _names = new HashSet<string>(names, StringComparer.Ordinal);
        _force = force;
        _lock = lockFile;
        _created = created;
    }

    /// <summary>The folder's full path.</summary>
    public string Directory { get; }

    /// <summary>
    /// Creates the folder if needed, locks it and claims <paramref name="fileNames"/> in it.
    /// </summary>
    /// <param name="directory">The folder; created with its parents when missing.</param>
    /// <param name="force">Whether existing files of those names may be overwritten.</param>
    /// <param name="fileNames">Plain file names (no folders) the run will write.</param>
    /// <exception cref="OutputExistsException">A file exists and <paramref name="force"/> is false; the first one found is named.</exception>
    /// <exception cref="OutputFolderBusyException">Another command holds the folder's lock.</exception>
    /// <exception cref="ArgumentException">A name is empty, has a folder part, or is the lock file's.</exception>
    public static OutputFolder Prepare(string directory, bool force, IEnumerable<string> fileNames)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(fileNames);
        string full = Path.GetFullPath(directory);
        string[] names = fileNames.ToArray();
        foreach (string name in names)
        {
            if (string.IsNullOrWhiteSpace(name) || Path.GetFileName(name) != name || name is "." or ".." or LockFileName)
            {
                throw new ArgumentException($"Output file name '{name}' must be a plain file name without a folder.", nameof(fileNames));
            }
        }
        if (File.Exists(full))
        {
            throw new IOException($"Output folder '{full}' is an existing file.");
        }
        bool created = !System.IO.Directory.Exists(full);
        System.IO.Directory.CreateDirectory(full);
        FileStream lockFile = Lock(full);
        try
        {
            RemoveStaleTemporaries(full, names);
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
            return new OutputFolder(full, names, force, lockFile, created);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>The full path of a claimed file.</summary>
    /// <exception cref="InvalidOperationException">The name was not claimed in <see cref="Prepare"/>, so it was never checked.</exception>
    public string PathOf(string fileName) => _names.Contains(fileName)
        ? Path.Combine(Directory, fileName)
        : throw new InvalidOperationException($"Output file '{fileName}' was not claimed when the folder '{Directory}' was prepared.");

    /// <summary>Writes a claimed file with <see cref="AtomicFile.Write"/>, replacing an existing one only when the folder was prepared with force.</summary>
    /// <exception cref="OutputExistsException">The file appeared since <see cref="Prepare"/> and force was not given; it is left untouched.</exception>
    public void Write(string fileName, Action<Stream> write)
    {
        ObjectDisposedException.ThrowIf(_lock is null, this);
        AtomicFile.Write(PathOf(fileName), _force, write);
    }

    /// <summary>Writes a claimed text file with <see cref="AtomicFile.WriteText"/>, replacing an existing one only when the folder was prepared with force.</summary>
    /// <exception cref="OutputExistsException">The file appeared since <see cref="Prepare"/> and force was not given; it is left untouched.</exception>
    public void WriteText(string fileName, Action<TextWriter> write)
    {
        ObjectDisposedException.ThrowIf(_lock is null, this);
        AtomicFile.WriteText(PathOf(fileName), _force, write);
    }

    /// <summary>
    /// Deletes a claimed file this run has nothing to write into, so that an earlier run's file of that name does not
    /// stand for this run's; only when the folder was prepared with force (without it, no such file exists).
    /// </summary>
    public void Remove(string fileName)
    {
        ObjectDisposedException.ThrowIf(_lock is null, this);
        string path = PathOf(fileName);
        if (_force)
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Deletes the lock file and releases the folder's lock; a folder <see cref="Prepare"/> created is removed again when
    /// nothing was written into it (a run that failed leaves no empty folder behind).
    /// </summary>
    public void Dispose()
    {
        if (_lock is null)
        {
            return;
        }
        // Deleted while still held, so no other command can have replaced it (Windows deletes it on close by itself).
        if (!OperatingSystem.IsWindows())
        {
            File.Delete(_lock.Name);
        }
        _lock.Dispose();
        _lock = null;
        if (_created && !System.IO.Directory.EnumerateFileSystemEntries(Directory).Any())
        {
            try
            {
                System.IO.Directory.Delete(Directory);
            }
            catch (IOException)
            {
                // Something wrote into it meanwhile: it stays.
            }
        }
    }

    /// <summary>
    /// Deletes what a killed earlier run left of its temporary files for <paramref name="names"/>: every writer into the
    /// folder holds its lock, so under the lock no such file is still being written.
    /// </summary>
    private static void RemoveStaleTemporaries(string folder, string[] names)
    {
        foreach (string file in System.IO.Directory.EnumerateFiles(folder, "*" + AtomicFile.TemporarySuffix).ToArray())
        {
            string name = Path.GetFileName(file);
            if (names.Any(n => name.StartsWith($".{n}.", StringComparison.Ordinal)))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>
    /// Opens the lock file exclusively; the operating system releases it when the process ends, however it ends.
    /// The holder deletes the file before releasing it; a command that opened it just before and locked it just after
    /// would hold a deleted file, so the lock counts only when the file is still in place.
    /// </summary>
    private static FileStream Lock(string folder)
    {
        string path = Path.Combine(folder, LockFileName);
        for (int attempt = 0; ; attempt++)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1,
                    OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None);
            }
            catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException))
            {
                throw new OutputFolderBusyException(folder, e);
            }
            if (File.Exists(path) || attempt == 2)
            {
                return stream;
            }
            stream.Dispose();
        }
    }
}
