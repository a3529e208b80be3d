using UnIT.Onnx.Importing;
using UnIT.Onnx.Protos;

namespace UnIT.Onnx.Ops;

/// <summary>Constant: its value (value, value_float(s) or value_int(s)) becomes a known constant.</summary>
internal sealed class ConstantImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Constant"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        ConstantTensor value;
        if (node.TensorAttribute("value") is TensorProto tensor)
        {
            value = TensorDecoder.Decode(tensor, node.Context.BaseDirectory, node.Output());
        }
        else if (node.Has("value_float"))
        {
            value = ConstantTensor.FromFloats([], [node.Float("value_float", 0f)]);
        }
        else if (node.Floats("value_floats") is { } floats)
        {
            value = ConstantTensor.FromFloats([floats.Length], floats);
        }
        else if (node.Has("value_int"))
        {
            value = ConstantTensor.FromInts([], [node.Int("value_int", 0)]);
        }
        else if (node.Ints("value_ints") is { } ints)
        {
            value = ConstantTensor.Vector(ints);
        }
        else
        {
            string kind = node.AttributeNames.FirstOrDefault() ?? "no value";
            throw node.Error($"'{kind}' is not supported; only value, value_float(s) and value_int(s) are.");
        }
        node.SetConstantOutput(value);
    }
}
