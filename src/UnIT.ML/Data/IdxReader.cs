using System.Buffers.Binary;

namespace UnIT.ML.Data;

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST: a big-endian header (magic number, sample
/// count, and for images rows and columns) followed by unsigned bytes. Gzip-compressed files are
/// recognised by their content (bytes 1f 8b), not by their name. With a range or a limit only the
/// selected samples are converted; the bytes before them are skipped, and reading stops after them.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number of an IDX image file: unsigned bytes, 3 dimensions (count, rows, columns).</summary>
    public const int ImagesMagic = 0x0803;

    /// <summary>Magic number of an IDX label file: unsigned bytes, 1 dimension (count).</summary>
    public const int LabelsMagic = 0x0801;

    /// <summary>
    /// Reads images from the file at <paramref name="path"/>: each sample is rows x columns floats,
    /// the pixel byte divided by 255, with <see cref="SampleSet.SampleDimensions"/> [rows, columns].
    /// </summary>
    /// <param name="path">An IDX image file, raw or gzip.</param>
    /// <param name="range">Which samples to read; null for all.</param>
    /// <param name="limit">The most samples to read from the start of the range; null for no limit.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetException">The file is not an IDX image file, is truncated, or the range lies beyond its samples.</exception>
    public static SampleSet ReadImages(string path, RangeSpec? range = null, int? limit = null) =>
        DataFile.ReadFile(path, s => ReadImagesCore(s, path, range, limit));

    /// <summary>Reads images like <see cref="ReadImages(string, RangeSpec?, int?)"/> from a stream, which stays open.</summary>
    /// <param name="stream">IDX image data, raw or gzip, from the current position.</param>
    /// <param name="source">A name for the data in error messages and <see cref="SampleSet.Source"/>.</param>
    /// <param name="range">Which samples to read; null for all.</param>
    /// <param name="limit">The most samples to read from the start of the range; null for no limit.</param>
    public static SampleSet ReadImages(Stream stream, string source, RangeSpec? range = null, int? limit = null) =>
        DataFile.Read(stream, s => ReadImagesCore(s, source, range, limit));

    /// <summary>Reads class labels (one byte each) from the IDX label file at <paramref name="path"/>.</summary>
    /// <param name="path">An IDX label file, raw or gzip.</param>
    /// <param name="range">Which labels to read; null for all.</param>
    /// <param name="limit">The most labels to read from the start of the range; null for no limit.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetException">The file is not an IDX label file, is truncated, or the range lies beyond its labels.</exception>
    public static int[] ReadLabels(string path, RangeSpec? range = null, int? limit = null) =>
        DataFile.ReadFile(path, s => ReadLabelsCore(s, path, range, limit));

    /// <summary>Reads labels like <see cref="ReadLabels(string, RangeSpec?, int?)"/> from a stream, which stays open.</summary>
    /// <param name="stream">IDX label data, raw or gzip, from the current position.</param>
    /// <param name="source">A name for the data in error messages.</param>
    /// <param name="range">Which labels to read; null for all.</param>
    /// <param name="limit">The most labels to read from the start of the range; null for no limit.</param>
    public static int[] ReadLabels(Stream stream, string source, RangeSpec? range = null, int? limit = null) =>
        DataFile.Read(stream, s => ReadLabelsCore(s, source, range, limit));

    private static SampleSet ReadImagesCore(Stream stream, string source, RangeSpec? range, int? limit)
    {
        Span<byte> header = stackalloc byte[16];
        ReadMagic(stream, header, source, ImagesMagic, "an IDX image file");
        DataFile.ReadExactly(stream, header[4..], source, "IDX image header");
        int total = ReadCount(header[4..], source, "image count");
        int rows = ReadCount(header[8..], source, "row count");
        int cols = ReadCount(header[12..], source, "column count");
        if (rows == 0 || cols == 0)
        {
            throw new DatasetException($"'{source}' declares images of {rows}x{cols} pixels; both must be positive.");
        }
        (int start, int count) = (range ?? RangeSpec.All).Resolve(total, limit, source);
        long sampleSize = (long)rows * cols;
        if (sampleSize * count > Array.MaxLength)
        {
            throw new DatasetException($"'{source}': {count} images of {rows}x{cols} do not fit in one array; read a smaller range.");
        }
        DataFile.Skip(stream, start * sampleSize, source, $"images before index {start}");
        var bytes = new byte[sampleSize * count];
        DataFile.ReadExactly(stream, bytes, source, $"images {start} to {start + count - 1} of {total}");
        var pixels = new float[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            pixels[i] = bytes[i] / 255f;
        }
        return new SampleSet(pixels, [rows, cols], source);
    }

    private static int[] ReadLabelsCore(Stream stream, string source, RangeSpec? range, int? limit)
    {
        Span<byte> header = stackalloc byte[8];
        ReadMagic(stream, header, source, LabelsMagic, "an IDX label file");
        DataFile.ReadExactly(stream, header[4..], source, "IDX label header");
        int total = ReadCount(header[4..], source, "label count");
        (int start, int count) = (range ?? RangeSpec.All).Resolve(total, limit, source);
        DataFile.Skip(stream, start, source, $"labels before index {start}");
        var bytes = new byte[count];
        DataFile.ReadExactly(stream, bytes, source, $"labels {start} to {start + count - 1} of {total}");
        return Array.ConvertAll(bytes, b => (int)b);
    }

    private static void ReadMagic(Stream stream, Span<byte> header, string source, int expected, string what)
    {
        DataFile.ReadExactly(stream, header[..4], source, "4-byte IDX magic number");
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic == expected)
        {
            return;
        }
        string seen = magic switch
        {
            ImagesMagic => "it is an IDX image file",
            LabelsMagic => "it is an IDX label file",
            _ => $"its magic number is {magic} (0x{magic:X8})",
        };
        throw new DatasetException($"'{source}' is not {what} (magic number {expected}): {seen}.");
    }

    private static int ReadCount(ReadOnlySpan<byte> bytes, string source, string what)
    {
        int value = BinaryPrimitives.ReadInt32BigEndian(bytes);
        return value >= 0 ? value : throw new DatasetException($"'{source}' declares a negative {what} ({value}).");
    }
}
