using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Reshape with a constant (or folded) target shape to <see cref="ReshapeNode"/>. A target entry
/// that stands for the dynamic batch size (Shape of the input, gathered) becomes 0, "copy the
/// batch axis". Folded when the data is a constant.
/// </summary>
internal sealed class ReshapeImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Reshape"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        ConstantTensor shape = node.ConstantInput(1, "shape");
        if (shape.Rank != 1)
        {
            throw node.Error($"the shape input has shape {shape.DimsText}; it must be 1-D.");
        }
        long[] target = shape.Ints();
        bool allowZero = node.Int("allowzero", 0) != 0;
        if (allowZero && target.Contains(0))
        {
            throw node.Error("allowzero 1 with a 0 in the target shape (an empty tensor) is not supported.");
        }
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] == ConstantTensor.BatchDependent)
            {
                throw node.Error($"target entry {i} is computed from the batch size (as x.view(b * c, -1) exports); the reshape mixes samples, so each sample's result would depend on the others.");
            }
            if (target[i] == ConstantTensor.Unknown)
            {
                target[i] = i == 0
                    ? 0
                    : throw node.Error($"target entry {i} is the batch size; moving the batch axis mixes samples, so each sample's result would depend on the others.");
            }
        }
        if (target.Length > 0 && node.Context.FixedBatch is { } batch && target[0] == batch && node.Context.IsRuntime(node.Input(0)))
        {
            // The model was exported for a fixed batch; it runs per sample here, so its batch size means "the batch axis".
            target[0] = 0;
        }
        if (node.Context.TryGetConstant(node.Input(0), out ConstantTensor data))
        {
            node.SetConstantOutput(data.WithDims(Fold(node, data, target)));
            return;
        }
        node.Context.Add(new ReshapeNode(node.Context.LayerName(node), node.RuntimeInput(0), node.Output(), target));
    }

    private static long[] Fold(OnnxNode node, ConstantTensor data, long[] target)
    {
        long[] dims = (long[])target.Clone();
        long known = 1;
        int inferred = -1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == 0)
            {
                dims[i] = i < data.Rank ? data.Dims[i] : throw node.Error($"target entry {i} copies an axis the data {data.DimsText} lacks.");
            }
            if (dims[i] == -1)
            {
                inferred = inferred < 0 ? i : throw node.Error("the target shape has more than one -1.");
            }
            else
            {
                known *= dims[i];
            }
        }
        if (inferred >= 0 && known > 0)
        {
            dims[inferred] = data.Count / known;
        }
        return ConstantTensor.ElementCount(dims) == data.Count
            ? dims
            : throw node.Error($"cannot reshape constant data {data.DimsText} to [{string.Join(",", target)}].");
    }
}
