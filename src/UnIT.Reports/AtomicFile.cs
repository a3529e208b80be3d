using System.Text;

namespace UnIT.Reports;

/// <summary>
/// Writes a file so that readers never see it half-written: the content goes to a temporary file in the same
/// folder, is flushed to disk, and is then renamed into place in one step. A failure or a kill during the write
/// leaves the destination as it was. Without overwriting, the rename itself refuses a destination that exists, so
/// a file that appeared after any earlier check is still never replaced.
/// </summary>
public static class AtomicFile
{
    /// <summary>What temporary files end with; they start with a dot and the destination's name.</summary>
    public const string TemporarySuffix = ".unit-tmp";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes the bytes <paramref name="write"/> produces to <paramref name="path"/>.</summary>
    /// <param name="path">The destination file; its folder must exist.</param>
    /// <param name="overwrite">Whether an existing file at <paramref name="path"/> is replaced.</param>
    /// <param name="write">Writes the content to the stream it gets; it must not dispose it.</param>
    /// <exception cref="OutputExistsException"><paramref name="path"/> exists and <paramref name="overwrite"/> is false; it is left untouched.</exception>
    public static void Write(string path, bool overwrite, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            try
            {
                // Without overwrite this is an atomic create-if-absent on the destination (a hard link on Unix).
                File.Move(temp, full, overwrite);
            }
            catch (IOException) when (!overwrite && (File.Exists(full) || Directory.Exists(full)))
            {
                throw new OutputExistsException(full);
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Writes the text <paramref name="write"/> produces to <paramref name="path"/> as UTF-8 without a byte order mark.</summary>
    /// <param name="path">The destination file; its folder must exist.</param>
    /// <param name="overwrite">Whether an existing file at <paramref name="path"/> is replaced.</param>
    /// <param name="write">Writes the content to the writer it gets; it must not dispose it.</param>
    /// <exception cref="OutputExistsException"><paramref name="path"/> exists and <paramref name="overwrite"/> is false; it is left untouched.</exception>
    public static void WriteText(string path, bool overwrite, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(path, overwrite, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8, leaveOpen: true);
            write(writer);
        });
    }
}
