using System.IO.Compression;

namespace UnIT.ML.Data;

/// <summary>What the first bytes of a (decompressed) data file look like.</summary>
internal enum DataFileKind
{
    /// <summary>Starts with the two zero bytes of an IDX magic number.</summary>
    Idx,

    /// <summary>Text, read as CSV.</summary>
    Text,

    /// <summary>Neither: binary content that is not IDX.</summary>
    Binary,
}

/// <summary>Opening data files: gzip is recognised by its magic bytes, never by the file name.</summary>
internal static class DataFile
{
    private const int SniffLength = 512;

    /// <summary>Opens <paramref name="path"/> and hands <paramref name="read"/> its content, decompressed when gzip.</summary>
    public static T ReadFile<T>(string path, Func<Stream, T> read)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Data file '{path}' does not exist.", path);
        }
        // FIFOs, devices and sockets report a size of 0, and opening a FIFO blocks until someone writes to it.
        if (new FileInfo(path).Length == 0)
        {
            throw new DatasetException($"'{path}' is empty or not a regular file (a FIFO, device or socket).");
        }
        using FileStream file = File.OpenRead(path);
        // A link to a pipe (/dev/fd/N of a shell's process substitution) passes the size test with the link's own size;
        // a file is read more than once (sniffed, then parsed), which a pipe cannot give.
        if (!file.CanSeek)
        {
            throw new DatasetException($"'{path}' is not a regular file (a pipe or device); data files are read more than once, so save it to a file first.");
        }
        return Read(file, read);
    }

    /// <summary>
    /// Hands <paramref name="read"/> the content of <paramref name="stream"/> from its current position,
    /// through a gzip decoder when it starts with the gzip magic 1f 8b. Leaves <paramref name="stream"/> open.
    /// </summary>
    public static T Read<T>(Stream stream, Func<Stream, T> read)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var magic = new byte[2];
        Stream source;
        if (stream.CanSeek)
        {
            long start = stream.Position;
            stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            stream.Position = start;
            source = stream;
        }
        else
        {
            // The peeked bytes are handed back in front of the rest, so the stream is never held whole in memory.
            int peeked = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            source = new PeekedStream(magic.AsMemory(0, peeked), stream);
        }
        if (magic[0] == 0x1f && magic[1] == 0x8b)
        {
            using var gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
            return read(gzip);
        }
        return read(source);
    }

    /// <summary>Tells IDX, text and other binary content apart by the first bytes after decompression.</summary>
    public static DataFileKind Sniff(string path)
    {
        var head = new byte[SniffLength];
        int n = ReadFile(path, stream => ReadUpTo(stream, head, path));
        ReadOnlySpan<byte> bytes = head.AsSpan(0, n);
        if (n >= 4 && bytes[0] == 0 && bytes[1] == 0)
        {
            return DataFileKind.Idx;
        }
        // Text never holds NUL bytes; binary formats nearly always do within the first few hundred.
        return bytes.IndexOf((byte)0) >= 0 ? DataFileKind.Binary : DataFileKind.Text;
    }

    /// <summary>
    /// Fills <paramref name="buffer"/> or throws a <see cref="DatasetException"/> saying the file is truncated;
    /// <paramref name="needAfter"/> more bytes of the <paramref name="what"/> are due after the buffer (when it is read in pieces).
    /// </summary>
    public static void ReadExactly(Stream stream, Span<byte> buffer, string source, string what, long needAfter = 0)
    {
        int n = ReadUpTo(stream, buffer, source);
        if (n < buffer.Length)
        {
            throw new DatasetException($"'{source}' is truncated: it ends {buffer.Length - n + needAfter} byte(s) short of the {what}.");
        }
    }

    /// <summary>Reads and drops <paramref name="count"/> bytes (seeking when possible), or throws like <see cref="ReadExactly"/>.</summary>
    public static void Skip(Stream stream, long count, string source, string what)
    {
        if (stream.CanSeek)
        {
            if (stream.Length - stream.Position < count)
            {
                throw new DatasetException($"'{source}' is truncated: it ends {count - (stream.Length - stream.Position)} byte(s) short of the {what}.");
            }
            stream.Seek(count, SeekOrigin.Current);
            return;
        }
        var scratch = new byte[(int)Math.Min(count, 1 << 16)];
        for (long left = count; left > 0;)
        {
            int chunk = (int)Math.Min(left, scratch.Length);
            int n = ReadUpTo(stream, scratch.AsSpan(0, chunk), source);
            if (n < chunk)
            {
                throw new DatasetException($"'{source}' is truncated: it ends {left - n} byte(s) short of the {what}.");
            }
            left -= n;
        }
    }

    private static int ReadUpTo(Stream stream, Span<byte> buffer, string source)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            // GZipStream reports corrupt or cut-off compressed data this way; name the file.
            throw new DatasetException($"'{source}' is not valid gzip data or is truncated: {e.Message}", e);
        }
    }
}
