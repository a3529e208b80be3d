using Google.Protobuf;
using UnIT.Onnx.Protos;
using AttributeType = UnIT.Onnx.Protos.AttributeProto.Types.AttributeType;

namespace UnIT.Onnx.Tests.Helpers;

/// <summary>Factories for node attributes.</summary>
internal static class OnnxAttr
{
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) => new() { Name = name, Type = AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Floats(string name, params float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    public static AttributeProto Tensor(string name, TensorProto value) => new() { Name = name, Type = AttributeType.Tensor, T = value };
}
