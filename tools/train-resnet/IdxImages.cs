using System.Buffers.Binary;
using System.IO.Compression;

namespace UnIT.Tools.TrainResnet;

/// <summary>Reads Fashion-MNIST IDX files (raw or .gz): pixels scaled to [0, 1] as the CLI scales them, and labels.</summary>
internal static class IdxImages
{
    /// <summary>Reads samples [start, start + count) of an image file and its label file.</summary>
    /// <returns>Pixels (count x 784, each byte / 255) and labels.</returns>
    public static (float[] Pixels, long[] Labels) Load(string directory, string prefix, int start, int count)
    {
        byte[] images = ReadAll(Path.Combine(directory, prefix + "-images-idx3-ubyte"));
        byte[] labels = ReadAll(Path.Combine(directory, prefix + "-labels-idx1-ubyte"));
        Check(images, 0x803, start + count, prefix + " images");
        Check(labels, 0x801, start + count, prefix + " labels");
        var pixels = new float[count * 784];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = images[16 + start * 784 + i] / 255f;
        var result = new long[count];
        for (int i = 0; i < count; i++)
            result[i] = labels[8 + start + i];
        return (pixels, result);
    }

    private static byte[] ReadAll(string path)
    {
        string file = File.Exists(path + ".gz") ? path + ".gz" : File.Exists(path) ? path
            : throw new FileNotFoundException($"{path}(.gz) not found; install the data with `apt-get install -y dataset-fashion-mnist` or pass --data DIR.");
        using FileStream raw = File.OpenRead(file);
        using Stream stream = file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(raw, CompressionMode.Decompress) : raw;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static void Check(byte[] data, int magic, int needed, string what)
    {
        if (data.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(data) != magic)
            throw new InvalidDataException($"{what}: not an IDX file of the expected kind (magic 0x{magic:x}).");
        int count = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
        if (count < needed)
            throw new InvalidDataException($"{what}: holds {count} samples, {needed} needed.");
    }
}
