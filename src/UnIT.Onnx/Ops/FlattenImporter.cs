using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Flatten(axis) to <see cref="FlattenNode"/>; folded when its input is a constant. Axis 0 is accepted
/// only for a model exported with a batch of one sample, where it is the same as axis 1.
/// </summary>
internal sealed class FlattenImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Flatten"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        long axis = node.Int("axis", 1);
        if (node.Context.TryGetConstant(node.Input(0), out ConstantTensor constant))
        {
            long a = axis < 0 ? axis + constant.Rank : axis;
            if (a < 0 || a > constant.Rank)
            {
                throw node.Error($"axis {axis} is out of range for a constant of shape {constant.DimsText}.");
            }
            long rows = ConstantTensor.ElementCount(constant.Dims[..(int)a]);
            node.SetConstantOutput(constant.WithDims([rows, constant.Count / Math.Max(rows, 1)]));
            return;
        }
        string x = node.RuntimeInput(0);
        // Axis 0 gives [1, everything]: for a model exported with one sample that is axis 1; otherwise FlattenNode refuses it.
        if (axis == 0 || axis == -node.Context.ShapeOf(x).Rank)
        {
            axis = node.Context.FixedBatch == 1 ? 1 : throw node.Error($"axis {axis} folds the batch axis into the columns, which mixes samples; only models exported for one sample support it.");
        }
        node.Context.Add(new FlattenNode(node.Context.LayerName(node), x, node.Output(), checked((int)axis)));
    }
}
