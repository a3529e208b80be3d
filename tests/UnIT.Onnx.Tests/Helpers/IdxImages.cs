using System.Buffers.Binary;
using System.IO.Compression;

namespace UnIT.Onnx.Tests.Helpers;

/// <summary>Reads gzipped IDX files (MNIST format): images scaled to 0..1 and labels.</summary>
internal static class IdxImages
{
    /// <summary>The first <paramref name="limit"/> images as [count, 1, rows, cols] floats (byte / 255).</summary>
    public static (float[] Pixels, int Count, int Rows, int Cols) ReadImages(string path, int limit = int.MaxValue)
    {
        byte[] bytes = Decompress(path);
        if (BinaryPrimitives.ReadInt32BigEndian(bytes) != 0x803)
        {
            throw new InvalidDataException($"{path} is not an IDX image file.");
        }
        int count = Math.Min(limit, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4)));
        int rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        int cols = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        var pixels = new float[count * rows * cols];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = bytes[16 + i] / 255f;
        }
        return (pixels, count, rows, cols);
    }

    /// <summary>The first <paramref name="limit"/> labels.</summary>
    public static byte[] ReadLabels(string path, int limit = int.MaxValue)
    {
        byte[] bytes = Decompress(path);
        if (BinaryPrimitives.ReadInt32BigEndian(bytes) != 0x801)
        {
            throw new InvalidDataException($"{path} is not an IDX label file.");
        }
        int count = Math.Min(limit, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4)));
        return bytes.AsSpan(8, count).ToArray();
    }

    private static byte[] Decompress(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }
}
