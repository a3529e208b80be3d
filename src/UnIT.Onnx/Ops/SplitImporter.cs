using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Split of a run-time value along a non-batch axis: one <see cref="SliceNode"/> per used output. The sizes
/// come from the split attribute (before opset 13) or input (from 13), or are equal parts (num_outputs
/// from opset 18, the last part smaller when the axis does not divide).
/// </summary>
internal sealed class SplitImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Split"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        string x = node.RuntimeInput(0);
        Shape shape = node.Context.ShapeOf(x);
        long axisAttr = node.Int("axis", 0);
        int axis = AxesInput.Resolve(axisAttr, shape.Rank);
        if (axis < 0)
        {
            throw node.Error($"axis {axisAttr} is out of range for the input {shape}.");
        }
        if (axis == 0)
        {
            throw node.Error("splitting the batch axis (0) separates samples; only other axes are supported.");
        }
        int outputs = node.OutputCount;
        long[]? sizes = node.Opset < 13 ? node.Ints("split") : node.HasInput(1) ? node.ConstantInput(1, "split").Ints() : null;
        int size = shape[axis];
        if (sizes is null)
        {
            // Equal parts: ceil(size / n) each, the last one what remains.
            long part = (size + outputs - 1) / outputs;
            sizes = Enumerable.Range(0, outputs).Select(i => Math.Min(part, size - part * i)).ToArray();
        }
        if (sizes.Length != outputs || sizes.Any(s => s < 1) || sizes.Sum() != size)
        {
            throw node.Error($"split sizes [{string.Join(",", sizes)}] must be {outputs} positive sizes adding up to axis {axis} of the input {shape}.");
        }
        int[] counts = shape.Dimensions[1..];
        var starts = new int[counts.Length];
        int[] steps = Enumerable.Repeat(1, counts.Length).ToArray();
        int offset = 0;
        for (int k = 0; k < outputs; k++)
        {
            starts[axis - 1] = offset;
            counts[axis - 1] = (int)sizes[k];
            offset += (int)sizes[k];
            if (node.HasOutput(k) && node.Context.Uses(node.Output(k)) > 0)
            {
                node.Context.Add(new SliceNode(node.Context.LayerName(node), x, node.Output(k), starts, steps, counts));
            }
        }
    }
}
