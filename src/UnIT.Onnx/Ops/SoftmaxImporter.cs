using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Softmax over the last axis to <see cref="SoftmaxNode"/>. The default axis is 1 before opset 13
/// (where the input is coerced to 2-D at the axis) and -1 from opset 13; either way only the last
/// axis gives the same result as a last-axis softmax.
/// </summary>
internal sealed class SoftmaxImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Softmax"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        string x = node.RuntimeInput(0);
        int rank = node.Context.ShapeOf(x).Rank;
        long axis = node.Int("axis", node.Opset < 13 ? 1 : -1);
        long resolved = axis < 0 ? axis + rank : axis;
        if (resolved != rank - 1)
        {
            throw node.Error($"axis {axis} is not supported for a rank-{rank} input; only the last axis is.");
        }
        node.Context.Add(new SoftmaxNode(node.Context.LayerName(node), x, node.Output()));
    }
}
