using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// ReduceMean/Max/Min/Sum/Prod and GlobalMaxPool to <see cref="ReduceNode"/>. The axes are an attribute
/// before opset 18 (before 13 for ReduceSum) and an optional constant input after; no axes means all of
/// them, unless noop_with_empty_axes makes the node an identity. The batch axis may be reduced only when
/// the model was exported with a batch of one sample and the axis is kept, where it changes nothing.
/// </summary>
internal sealed class ReduceImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd", "GlobalMaxPool"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        string x = node.RuntimeInput(0);
        int rank = node.Context.ShapeOf(x).Rank;
        if (node.OpType == "GlobalMaxPool")
        {
            if (rank < 3)
            {
                throw node.Error($"expects an input [N, C, spatial...] but '{x}' has shape {node.Context.ShapeOf(x)}.");
            }
            node.Context.Add(new ReduceNode(node.Context.LayerName(node), x, node.Output(), ReduceKind.Max, Enumerable.Range(2, rank - 2).ToArray(), keepDims: true));
            return;
        }
        var kind = Enum.Parse<ReduceKind>(node.OpType["Reduce".Length..]);
        bool axesInput = node.Opset >= (kind == ReduceKind.Sum ? 13 : 18);
        long[]? given = axesInput
            ? node.HasInput(1) ? node.ConstantInput(1, "axes").Ints() : null
            : node.Ints("axes");
        bool keepDims = node.Int("keepdims", 1) != 0;
        if (given is null or { Length: 0 } && axesInput && node.Int("noop_with_empty_axes", 0) != 0)
        {
            node.Context.Alias(node.Output(), x);
            return;
        }
        int[] axes = given is { Length: > 0 } ? AxesInput.Normalize(node, given, rank) : Enumerable.Range(0, rank).ToArray();
        if (axes.Contains(0))
        {
            if (node.Context.FixedBatch != 1 || !keepDims)
            {
                throw node.Error($"it reduces over the batch axis (axes [{string.Join(",", axes)}]{(keepDims ? string.Empty : ", keepdims 0")}), which mixes samples; only a kept batch axis of a model exported for one sample is supported.");
            }
            axes = axes.Where(a => a != 0).ToArray();
            if (axes.Length == 0)
            {
                node.Context.Alias(node.Output(), x);
                return;
            }
        }
        node.Context.Add(new ReduceNode(node.Context.LayerName(node), x, node.Output(), kind, axes, keepDims));
    }
}
