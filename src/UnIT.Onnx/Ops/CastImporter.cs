using UnIT.Onnx.Importing;
using DataType = UnIT.Onnx.Protos.TensorProto.Types.DataType;

namespace UnIT.Onnx.Ops;

/// <summary>Cast: folded on constants; on a run-time (float) value only a cast to float, which is removed.</summary>
internal sealed class CastImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Cast"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        var to = (DataType)node.Int("to", (long)DataType.Undefined);
        bool toFloat = to is DataType.Float or DataType.Double or DataType.Float16 or DataType.Bfloat16;
        bool toInt = to is DataType.Int64 or DataType.Int32 or DataType.Int16 or DataType.Int8
            or DataType.Uint64 or DataType.Uint32 or DataType.Uint16 or DataType.Uint8 or DataType.Bool;
        if (!toFloat && !toInt)
        {
            throw node.Error($"cast to {to} is not supported.");
        }
        if (!node.Context.TryGetConstant(node.Input(0), out ConstantTensor value))
        {
            string x = node.RuntimeInput(0);
            if (to != DataType.Float)
            {
                throw node.Error($"cast of the run-time value '{x}' to {to} is not supported; run-time values stay float.");
            }
            node.Context.Alias(node.Output(), x);
            return;
        }
        if (toFloat)
        {
            node.SetConstantOutput(ConstantTensor.FromFloats(value.Dims, node.ConstantFloats(0, "input")));
            return;
        }
        long[] ints = to != DataType.Bool ? value.Ints()
            : value.IsInteger ? Array.ConvertAll(value.Ints(), v => v != 0 ? 1L : 0L)
            : Array.ConvertAll(value.Floats(), v => v != 0f ? 1L : 0L);
        node.SetConstantOutput(ConstantTensor.FromInts(value.Dims, ints));
    }
}
