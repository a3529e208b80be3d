using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Shape, folded to an int64 constant. The dynamic batch axis gives an
/// <see cref="ConstantTensor.Unknown"/> entry. From opset 15 the start/end attributes slice it.
/// </summary>
internal sealed class ShapeImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Shape"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        long[] dims = node.Context.TryGetConstant(node.Input(0), out ConstantTensor constant)
            ? (long[])constant.Dims.Clone()
            : Array.ConvertAll(node.Context.ShapeOf(node.RuntimeInput(0)).Dimensions,
                d => d == Shape.Dynamic ? ConstantTensor.Unknown : d);
        int rank = dims.Length;
        long start = Clamp(node.Int("start", 0), rank);
        long end = Clamp(node.Int("end", rank), rank);
        node.SetConstantOutput(ConstantTensor.Vector(dims[(int)start..(int)Math.Max(start, end)]));
    }

    private static long Clamp(long index, int rank) => Math.Clamp(index < 0 ? index + rank : index, 0, rank);
}
