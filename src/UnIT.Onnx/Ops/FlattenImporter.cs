using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>Flatten(axis) to <see cref="FlattenNode"/>; folded when its input is a constant.</summary>
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
        node.Context.Add(new FlattenNode(node.Context.LayerName(node), node.RuntimeInput(0), node.Output(), checked((int)axis)));
    }
}
