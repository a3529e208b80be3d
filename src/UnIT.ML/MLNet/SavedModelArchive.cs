using System.IO.Compression;
using Microsoft.ML;

namespace UnIT.ML.MLNet;

/// <summary>
/// Checks a saved ML.NET model zip before <c>mlContext.Model.Load</c> unpacks it: ML.NET extracts every
/// entry to the temp folder first, so a crafted zip (a huge or highly compressed entry) would fill the
/// disk before any error. The sizes come from the zip's central directory; .NET's zip reader stops an
/// entry at its declared size, so they bound what extraction writes. <see cref="Load"/> checks and loads in one
/// call; use it instead of <c>mlContext.Model.Load</c> for model files from elsewhere.
/// </summary>
public static class SavedModelArchive
{
    /// <summary>Largest uncompressed entry accepted by default: 1 GiB, far above any model UnIT runs on a microcontroller.</summary>
    public const long DefaultMaxEntryBytes = 1L << 30;

    /// <summary>Largest compression ratio accepted for entries over 1 MiB; model weights compress far less than this.</summary>
    public const long MaxCompressionRatio = 100;

    /// <summary>
    /// <see cref="Check"/>, then <c>mlContext.Model.Load</c>: a damaged or crafted file is refused with a message naming
    /// it (UnIT's own state carries a hash, checked when ML.NET rebuilds the transformer).
    /// </summary>
    /// <param name="mlContext">The ML.NET context to load into.</param>
    /// <param name="path">The model zip.</param>
    /// <param name="inputSchema">The schema the model was saved with.</param>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">When it is not a loadable ML.NET model zip, or its entries are refused by <see cref="Check"/>.</exception>
    public static ITransformer Load(MLContext mlContext, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        Check(path);
        try
        {
            return mlContext.Model.Load(path, out inputSchema);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"'{path}' is not a loadable ML.NET model zip: {e.Message}", e);
        }
    }

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
