using System.Runtime.InteropServices;

namespace UnIT.ML.Graph.Serialization;

/// <summary>Little-endian arrays, tensors and enums of the serialized graph format, read with bounds checks.</summary>
internal static class BinaryFormat
{
    public static T ReadEnum<T>(BinaryReader r) where T : struct, Enum
    {
        int value = r.ReadInt32();
        T e = (T)(object)value;
        return Enum.IsDefined(e) ? e : throw new FormatException($"Unknown {typeof(T).Name} value {value} in a serialized UnIT graph.");
    }

    public static int ReadCount(BinaryReader r)
    {
        int n = r.ReadInt32();
        // A count larger than the bytes left can only come from corrupted data; fail before allocating it.
        bool fits = n >= 0 && (!r.BaseStream.CanSeek || n <= r.BaseStream.Length - r.BaseStream.Position);
        return fits
            ? n
            : throw new FormatException($"The serialized UnIT graph holds an invalid count {n}.");
    }

    public static void WriteInts(BinaryWriter w, int[] values)
    {
        w.Write(values.Length);
        foreach (int v in values)
        {
            w.Write(v);
        }
    }

    public static int[] ReadInts(BinaryReader r)
    {
        var values = new int[ReadCount(r)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = r.ReadInt32();
        }
        return values;
    }

    public static void WriteLongs(BinaryWriter w, long[] values)
    {
        w.Write(values.Length);
        foreach (long v in values)
        {
            w.Write(v);
        }
    }

    public static long[] ReadLongs(BinaryReader r)
    {
        var values = new long[ReadCount(r)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = r.ReadInt64();
        }
        return values;
    }

    public static void WriteFloats(BinaryWriter w, float[] values)
    {
        w.Write(values.Length);
        if (BitConverter.IsLittleEndian)
        {
            w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }
        foreach (float v in values)
        {
            w.Write(v);
        }
    }

    public static float[] ReadFloats(BinaryReader r)
    {
        int n = ReadCount(r);
        var values = new float[n];
        if (BitConverter.IsLittleEndian)
        {
            r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            return values;
        }
        for (int i = 0; i < n; i++)
        {
            values[i] = r.ReadSingle();
        }
        return values;
    }

    public static void WriteOptionalFloats(BinaryWriter w, float[]? values)
    {
        w.Write(values is not null);
        if (values is not null)
        {
            WriteFloats(w, values);
        }
    }

    public static float[]? ReadOptionalFloats(BinaryReader r) => r.ReadBoolean() ? ReadFloats(r) : null;

    public static void WriteTensor(BinaryWriter w, Tensor t)
    {
        WriteInts(w, t.Shape.Dimensions);
        WriteFloats(w, t.Data);
    }

    public static Tensor ReadTensor(BinaryReader r) => new(new Shape(ReadInts(r)), ReadFloats(r));
}
