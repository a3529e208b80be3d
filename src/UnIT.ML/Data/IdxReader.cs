using System.Buffers.Binary;
using UnIT.ML.Graph;

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
    /// <param name="modelInput">
    /// The input shape of the model the samples are for (batch axis first): its per-sample size is checked
    /// against the header before any pixel is read; null to accept any image size.
    /// </param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetException">
    /// The file is not an IDX image file, is truncated, its images do not fit <paramref name="modelInput"/>, the selection holds more than <see cref="SampleSet.MaxValues"/> values, or the range lies beyond its samples.
    /// </exception>
    public static SampleSet ReadImages(string path, RangeSpec? range = null, int? limit = null, Shape? modelInput = null) =>
        DataFile.ReadFile(path, s => ReadImagesCore(s, path, range, limit, modelInput));

    /// <summary>Reads images like <see cref="ReadImages(string, RangeSpec?, int?, Shape?)"/> from a stream, which stays open.</summary>
    /// <param name="stream">IDX image data, raw or gzip, from the current position.</param>
    /// <param name="source">A name for the data in error messages and <see cref="SampleSet.Source"/>.</param>
    /// <param name="range">Which samples to read; null for all.</param>
    /// <param name="limit">The most samples to read from the start of the range; null for no limit.</param>
    /// <param name="modelInput">The input shape of the model the samples are for; null to accept any image size.</param>
    public static SampleSet ReadImages(Stream stream, string source, RangeSpec? range = null, int? limit = null, Shape? modelInput = null) =>
        DataFile.Read(stream, s => ReadImagesCore(s, source, range, limit, modelInput));

    /// <summary>Reads class labels (one byte each) from the IDX label file at <paramref name="path"/>.</summary>
    /// <param name="path">An IDX label file, raw or gzip.</param>
    /// <param name="range">Which labels to read; null for all.</param>
    /// <param name="limit">The most labels to read from the start of the range; null for no limit.</param>
    /// <param name="classCount">The number of classes (labels must be below it); null for no bound beyond the byte range.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetException">The file is not an IDX label file, is truncated, a label is not below <paramref name="classCount"/>, or the range lies beyond its labels.</exception>
    public static int[] ReadLabels(string path, RangeSpec? range = null, int? limit = null, int? classCount = null) =>
        DataFile.ReadFile(path, s => ReadLabelsCore(s, path, range, limit, classCount));

    /// <summary>Reads labels like <see cref="ReadLabels(string, RangeSpec?, int?, int?)"/> from a stream, which stays open.</summary>
    /// <param name="stream">IDX label data, raw or gzip, from the current position.</param>
    /// <param name="source">A name for the data in error messages.</param>
    /// <param name="range">Which labels to read; null for all.</param>
    /// <param name="limit">The most labels to read from the start of the range; null for no limit.</param>
    /// <param name="classCount">The number of classes (labels must be below it); null for no bound.</param>
    public static int[] ReadLabels(Stream stream, string source, RangeSpec? range = null, int? limit = null, int? classCount = null) =>
        DataFile.Read(stream, s => ReadLabelsCore(s, source, range, limit, classCount));

    private static SampleSet ReadImagesCore(Stream stream, string source, RangeSpec? range, int? limit, Shape? modelInput)
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
        // Everything is checked against the header before a single pixel is read or allocated.
        long pixelsPerImage = (long)rows * cols;
        if (modelInput is not null && pixelsPerImage != SampleSet.ValuesPerSample(modelInput, source))
        {
            throw new DatasetException($"'{source}' holds images of {rows}x{cols} = {pixelsPerImage} pixels, but the model input {modelInput} needs {modelInput.SampleSize} values per sample.");
        }
        (int start, int count) = (range ?? RangeSpec.All).Resolve(total, limit, source);
        SampleSet.CheckValueCount(pixelsPerImage * count, source, $"{count} images of {rows}x{cols}");
        DataFile.Skip(stream, start * pixelsPerImage, source, $"images before index {start}");
        var pixels = new float[pixelsPerImage * count];
        // Convert through a small buffer rather than holding every byte as well as every float.
        var chunk = new byte[(int)Math.Min(pixels.Length, 1 << 16)];
        for (int done = 0; done < pixels.Length;)
        {
            int n = Math.Min(chunk.Length, pixels.Length - done);
            DataFile.ReadExactly(stream, chunk.AsSpan(0, n), source, $"images {start} to {start + count - 1} of {total}", pixels.Length - done - n);
            for (int i = 0; i < n; i++)
            {
                pixels[done + i] = chunk[i] / 255f;
            }
            done += n;
        }
        return new SampleSet(pixels, [rows, cols], source);
    }

    private static int[] ReadLabelsCore(Stream stream, string source, RangeSpec? range, int? limit, int? classCount)
    {
        Span<byte> header = stackalloc byte[8];
        ReadMagic(stream, header, source, LabelsMagic, "an IDX label file");
        DataFile.ReadExactly(stream, header[4..], source, "IDX label header");
        int total = ReadCount(header[4..], source, "label count");
        (int start, int count) = (range ?? RangeSpec.All).Resolve(total, limit, source);
        SampleSet.CheckValueCount(count, source, $"{count} labels");
        DataFile.Skip(stream, start, source, $"labels before index {start}");
        var bytes = new byte[count];
        DataFile.ReadExactly(stream, bytes, source, $"labels {start} to {start + count - 1} of {total}");
        int[] labels = Array.ConvertAll(bytes, b => (int)b);
        if (classCount is int classes && Array.FindIndex(labels, l => l >= classes) is var bad and >= 0)
        {
            throw new DatasetException($"'{source}' label {start + bad} is {labels[bad]}, but the model has only {classes} classes (0 to {classes - 1}).");
        }
        return labels;
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
