using System.IO.Compression;

namespace UnIT.ML.MLNet;

/// <summary>
/// Checks a saved ML.NET model zip before <c>mlContext.Model.Load</c> unpacks it: ML.NET extracts every
/// entry to the temp folder first, so a crafted zip (a huge or highly compressed entry) would fill the
/// disk before any error. The sizes come from the zip's central directory; .NET's zip reader stops an
/// entry at its declared size, so they bound what extraction writes.
/// </summary>
public static class SavedModelArchive
{
    /// <summary>Largest uncompressed entry accepted by default: 1 GiB, far above any model UnIT runs on a microcontroller.</summary>
    public const long DefaultMaxEntryBytes = 1L << 30;

    /// <summary>Largest compression ratio accepted for entries over 1 MiB; model weights compress far less than this.</summary>
    public const long MaxCompressionRatio = 100;

    /// <summary>Refuses a model zip whose entries, as declared, are too large or compressed like a zip bomb.</summary>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">When it is not a zip, or an entry is too large; the message names the file and the entry.</exception>
    public static void Check(string path, long maxEntryBytes = DefaultMaxEntryBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        }
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is not an ML.NET model zip: {e.Message}", e);
        }
        using (zip)
        {
            long total = 0;
            foreach (ZipArchiveEntry entry in zip.Entries)
            {
                total += entry.Length;
                bool bomb = entry.Length > 1 << 20 && entry.Length > MaxCompressionRatio * Math.Max(1, entry.CompressedLength);
                if (entry.Length > maxEntryBytes || bomb || total > 4 * maxEntryBytes)
                {
                    throw new InvalidDataException(
                        $"'{path}' is refused: entry '{entry.FullName}' unpacks to {entry.Length:N0} bytes from {entry.CompressedLength:N0} " +
                        $"(at most {maxEntryBytes:N0} bytes per entry and a compression ratio of {MaxCompressionRatio} are accepted).");
                }
            }
        }
    }
}
