using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Clip to a Clip <see cref="ActivationNode"/>. Before opset 11 the bounds are the min/max
/// attributes; from opset 11 they are optional constant inputs 1 and 2 (an empty name is absent).
/// </summary>
internal sealed class ClipImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Clip"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        string x = node.RuntimeInput(0);
        float min;
        float max;
        if (node.Opset < 11)
        {
            min = node.Float("min", float.NegativeInfinity);
            max = node.Float("max", float.PositiveInfinity);
        }
        else
        {
            min = Bound(node, 1, "min", float.NegativeInfinity);
            max = Bound(node, 2, "max", float.PositiveInfinity);
        }
        node.Context.Add(new ActivationNode(node.Context.LayerName(node), x, node.Output(), ActivationKind.Clip, min: min, max: max));
    }

    private static float Bound(OnnxNode node, int index, string role, float absent)
    {
        if (!node.HasInput(index))
        {
            return absent;
        }
        float[] values = node.ConstantFloats(index, role);
        return values.Length == 1 ? values[0] : throw node.Error($"the {role} input must be a scalar; it has {values.Length} values.");
    }
}
