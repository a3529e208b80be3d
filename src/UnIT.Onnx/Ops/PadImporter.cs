using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Pad (constant, reflect, edge) to <see cref="PadNode"/>. Before opset 11 the pads and the value are
/// attributes; from opset 11 constant inputs (pads, optional constant_value, from opset 18 optional axes).
/// The batch axis must not be padded.
/// </summary>
internal sealed class PadImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Pad"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        string x = node.RuntimeInput(0);
        int rank = node.Context.ShapeOf(x).Rank;
        string modeName = node.String("mode", "constant");
        PadMode mode = modeName switch
        {
            "constant" => PadMode.Constant,
            "reflect" => PadMode.Reflect,
            "edge" => PadMode.Edge,
            _ => throw node.Error($"mode '{modeName}' is not supported; only constant, reflect and edge are."),
        };
        long[] pads;
        float value = 0f;
        int[] axes = Enumerable.Range(0, rank).ToArray();
        if (node.Opset < 11)
        {
            pads = node.Ints("pads") ?? throw node.Error("pads is required.");
            value = node.Float("value", 0f);
        }
        else
        {
            pads = node.ConstantInput(1, "pads").Ints();
            if (node.HasInput(2))
            {
                float[] given = node.ConstantFloats(2, "constant_value");
                value = given.Length == 1 ? given[0] : throw node.Error($"constant_value must be one value; it has {given.Length}.");
            }
            if (node.HasInput(3))
            {
                axes = AxesInput.Normalize(node, node.ConstantInput(3, "axes").Ints(), rank);
            }
        }
        if (pads.Length != 2 * axes.Length || pads.Any(p => p is < int.MinValue or > int.MaxValue))
        {
            throw node.Error($"pads [{string.Join(",", pads)}] must hold a begin and an end for each of the {axes.Length} axes.");
        }
        var begin = new int[rank];
        var end = new int[rank];
        for (int i = 0; i < axes.Length; i++)
        {
            begin[axes[i]] = (int)pads[i];
            end[axes[i]] = (int)pads[axes.Length + i];
        }
        node.Context.Add(new PadNode(node.Context.LayerName(node), x, node.Output(), mode, begin, end, value));
    }
}
