using UnIT.Onnx.Importing;
using UnIT.Onnx.Protos;

namespace UnIT.Onnx.Ops;

/// <summary>
/// ConstantOfShape with a constant shape input, folded: a tensor of that shape filled with the one
/// value of the value attribute (float 0 when absent). A shape that depends on the batch size is refused.
/// </summary>
internal sealed class ConstantOfShapeImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["ConstantOfShape"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        ConstantTensor shape = node.ConstantInput(0, "shape");
        if (shape.HasUnknown)
        {
            throw node.Error("the shape input depends on the batch size; only a shape known at import time is supported.");
        }
        long[] dims = shape.Ints();
        if (shape.Rank > 1 || dims.Any(d => d < 0))
        {
            throw node.Error($"the shape input {shape.DimsText} = [{string.Join(",", dims)}] must be a 1-D list of non-negative sizes.");
        }
        if (dims.Aggregate(1.0, (n, d) => n * d) > Array.MaxLength)
        {
            throw node.Error($"a tensor of shape [{string.Join(",", dims)}] has more elements than one array can hold.");
        }
        ConstantTensor fill = node.TensorAttribute("value") is TensorProto value
            ? TensorDecoder.Decode(value, node.Context.BaseDirectory, node.Output())
            : ConstantTensor.FromFloats([1], [0f]);
        if (fill.Count != 1)
        {
            throw node.Error($"the value attribute has {fill.Count} elements; it must hold exactly one.");
        }
        int count = checked((int)ConstantTensor.ElementCount(dims));
        if (fill.IsInteger)
        {
            var ints = new long[count];
            Array.Fill(ints, fill.Ints()[0]);
            node.SetConstantOutput(ConstantTensor.FromInts(dims, ints));
            return;
        }
        var floats = new float[count];
        Array.Fill(floats, fill.Floats()[0]);
        node.SetConstantOutput(ConstantTensor.FromFloats(dims, floats));
    }
}
