using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Softmax and LogSoftmax. Before opset 13 the input is coerced to 2-D at the axis (default 1), so the
/// normalization runs over all axes from it to the last; from opset 13 over the one axis (default -1).
/// A plain softmax over the last axis becomes a <see cref="SoftmaxNode"/>, any other an <see cref="AxisSoftmaxNode"/>.
/// Axis 0 (the batch axis) is refused, except before opset 13 in a model exported for one sample, where
/// it normalizes that sample's values together.
/// </summary>
internal sealed class SoftmaxImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Softmax", "LogSoftmax"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        string x = node.RuntimeInput(0);
        int rank = node.Context.ShapeOf(x).Rank;
        bool coerced = node.Opset < 13;
        long axis = node.Int("axis", coerced ? 1 : -1);
        int first = AxesInput.Resolve(axis, rank);
        if (first < 0)
        {
            throw node.Error($"axis {axis} is out of range for a rank-{rank} input.");
        }
        if (first == 0)
        {
            if (!coerced || node.Context.FixedBatch != 1 || rank < 2)
            {
                throw node.Error($"axis {axis} normalizes over the batch axis, which mixes samples; only a non-batch axis is supported.");
            }
            first = 1;
        }
        int last = coerced ? rank - 1 : first;
        bool log = node.OpType == "LogSoftmax";
        string name = node.Context.LayerName(node);
        node.Context.Add(!log && first == rank - 1
            ? new SoftmaxNode(name, x, node.Output())
            : new AxisSoftmaxNode(name, x, node.Output(), first, last, log));
    }
}
