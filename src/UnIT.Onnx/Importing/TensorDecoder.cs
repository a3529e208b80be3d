using System.Buffers.Binary;
using UnIT.Onnx.Protos;
using DataType = UnIT.Onnx.Protos.TensorProto.Types.DataType;

namespace UnIT.Onnx.Importing;

/// <summary>
/// Reads a <see cref="TensorProto"/> into a <see cref="ConstantTensor"/>, wherever its values are
/// stored: little-endian raw_data, a typed field (float_data, int32_data, int64_data, double_data),
/// or an external file next to the model.
/// </summary>
internal static class TensorDecoder
{
    /// <summary>Decodes <paramref name="tensor"/>; <paramref name="label"/> names it in errors when it has no name.</summary>
    public static ConstantTensor Decode(TensorProto tensor, string? baseDirectory, string? label = null)
    {
        string name = string.IsNullOrEmpty(tensor.Name) ? label ?? "(unnamed)" : tensor.Name;
        long[] dims = tensor.Dims.ToArray();
        if (dims.Any(d => d < 0))
        {
            throw new OnnxImportException($"Tensor '{name}' has a negative dimension: [{string.Join(",", dims)}].");
        }
        long count = dims.Aggregate(1.0, (n, d) => n * d) <= Array.MaxLength
            ? ConstantTensor.ElementCount(dims)
            : throw new OnnxImportException($"Tensor '{name}' of shape [{string.Join(",", dims)}] has too many elements to load.");
        var type = (DataType)tensor.DataType;
        int size = ElementSize(type)
            ?? throw new OnnxImportException($"Tensor '{name}' has data type {type}; only FLOAT, DOUBLE, INT64, INT32 (and small integer and BOOL types for shapes) are supported.");

        if (tensor.HasDataLocation && tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            return FromBytes(ExternalData.Read(tensor, name, baseDirectory, count * size), type, dims, name);
        }
        if (tensor.HasRawData)
        {
            return FromBytes(tensor.RawData.Span, type, dims, name);
        }
        return FromTypedField(tensor, type, dims, count, name);
    }

    private static int? ElementSize(DataType type) => type switch
    {
        DataType.Float or DataType.Int32 or DataType.Uint32 => 4,
        DataType.Double or DataType.Int64 => 8,
        DataType.Int16 or DataType.Uint16 => 2,
        DataType.Int8 or DataType.Uint8 or DataType.Bool => 1,
        _ => null,
    };

    private static ConstantTensor FromBytes(ReadOnlySpan<byte> bytes, DataType type, long[] dims, string name)
    {
        int size = ElementSize(type)!.Value;
        long count = ConstantTensor.ElementCount(dims);
        if (bytes.Length != count * size)
        {
            throw new OnnxImportException($"Tensor '{name}' of shape [{string.Join(",", dims)}] and type {type} needs {count * size} bytes but has {bytes.Length}.");
        }
        int n = checked((int)count);
        switch (type)
        {
            case DataType.Float:
            {
                var f = new float[n];
                for (int i = 0; i < n; i++)
                {
                    f[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
                }
                return ConstantTensor.FromFloats(dims, f);
            }
            case DataType.Double:
            {
                var f = new float[n];
                for (int i = 0; i < n; i++)
                {
                    f[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * 8)..]);
                }
                return ConstantTensor.FromFloats(dims, f);
            }
            default:
            {
                var v = new long[n];
                for (int i = 0; i < n; i++)
                {
                    ReadOnlySpan<byte> b = bytes[(i * size)..];
                    v[i] = type switch
                    {
                        DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(b),
                        DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(b),
                        DataType.Uint32 => BinaryPrimitives.ReadUInt32LittleEndian(b),
                        DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(b),
                        DataType.Uint16 => BinaryPrimitives.ReadUInt16LittleEndian(b),
                        DataType.Int8 => (sbyte)b[0],
                        _ => b[0],
                    };
                }
                return ConstantTensor.FromInts(dims, v);
            }
        }
    }

    private static ConstantTensor FromTypedField(TensorProto tensor, DataType type, long[] dims, long count, string name)
    {
        // ONNX keeps FLOAT in float_data, INT64 in int64_data, DOUBLE in double_data, UINT32 in
        // uint64_data, and every narrower integer type (and BOOL) in int32_data.
        int stored = type switch
        {
            DataType.Float => tensor.FloatData.Count,
            DataType.Double => tensor.DoubleData.Count,
            DataType.Int64 => tensor.Int64Data.Count,
            DataType.Uint32 => tensor.Uint64Data.Count,
            _ => tensor.Int32Data.Count,
        };
        if (stored != count)
        {
            throw new OnnxImportException($"Tensor '{name}' of shape [{string.Join(",", dims)}] and type {type} needs {count} values but stores {stored}.");
        }
        return type switch
        {
            DataType.Float => ConstantTensor.FromFloats(dims, tensor.FloatData.ToArray()),
            DataType.Double => ConstantTensor.FromFloats(dims, tensor.DoubleData.Select(d => (float)d).ToArray()),
            DataType.Int64 => ConstantTensor.FromInts(dims, tensor.Int64Data.ToArray()),
            DataType.Uint32 => ConstantTensor.FromInts(dims, tensor.Uint64Data.Select(v => (long)v).ToArray()),
            _ => ConstantTensor.FromInts(dims, tensor.Int32Data.Select(v => (long)v).ToArray()),
        };
    }
}
