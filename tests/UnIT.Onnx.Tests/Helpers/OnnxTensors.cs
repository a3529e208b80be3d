using System.Buffers.Binary;
using Google.Protobuf;
using UnIT.Onnx.Protos;
using DataType = UnIT.Onnx.Protos.TensorProto.Types.DataType;

namespace UnIT.Onnx.Tests.Helpers;

/// <summary>Factories for tensors in each storage form the importer reads.</summary>
internal static class OnnxTensors
{
    /// <summary>A float tensor in raw_data (little-endian).</summary>
    public static TensorProto Float(string name, long[] dims, float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }
        return Make(name, dims, DataType.Float, t => t.RawData = ByteString.CopyFrom(bytes));
    }

    /// <summary>A float tensor in the typed float_data field.</summary>
    public static TensorProto FloatTyped(string name, long[] dims, float[] values) =>
        Make(name, dims, DataType.Float, t => t.FloatData.AddRange(values));

    /// <summary>A double tensor, raw or typed.</summary>
    public static TensorProto Double(string name, long[] dims, float[] values, bool raw)
    {
        if (!raw)
        {
            return Make(name, dims, DataType.Double, t => t.DoubleData.AddRange(values.Select(v => (double)v)));
        }
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
        }
        return Make(name, dims, DataType.Double, t => t.RawData = ByteString.CopyFrom(bytes));
    }

    /// <summary>An int64 tensor in raw_data.</summary>
    public static TensorProto Int64(string name, long[] dims, long[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        }
        return Make(name, dims, DataType.Int64, t => t.RawData = ByteString.CopyFrom(bytes));
    }

    /// <summary>An int64 tensor in the typed int64_data field.</summary>
    public static TensorProto Int64Typed(string name, long[] dims, long[] values) =>
        Make(name, dims, DataType.Int64, t => t.Int64Data.AddRange(values));

    /// <summary>An int32 tensor in the typed int32_data field.</summary>
    public static TensorProto Int32Typed(string name, long[] dims, int[] values) =>
        Make(name, dims, DataType.Int32, t => t.Int32Data.AddRange(values));

    /// <summary>A scalar float (rank 0).</summary>
    public static TensorProto Scalar(string name, float value) => Float(name, [], [value]);

    private static TensorProto Make(string name, long[] dims, DataType type, Action<TensorProto> fill)
    {
        var t = new TensorProto { Name = name, DataType = (int)type };
        t.Dims.AddRange(dims);
        fill(t);
        return t;
    }
}
