using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Unsqueeze (axes as attribute before opset 13, as input from 13): folded on a constant, a
/// <see cref="ReshapeNode"/> on a run-time value, where a new axis 0 (before the batch axis) is refused.
/// </summary>
internal sealed class UnsqueezeImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Unsqueeze"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        bool constant = node.Context.TryGetConstant(node.Input(0), out ConstantTensor data);
        long[] dataDims = constant ? data.Dims : Array.ConvertAll(node.Context.ShapeOf(node.RuntimeInput(0)).Dimensions, d => (long)d);
        long[] given = AxesInput.Read(node) ?? throw node.Error("axes are required.");
        // Unsqueeze axes index the output, which has one axis more per entry.
        int outRank = dataDims.Length + given.Length;
        int[] axes = AxesInput.Normalize(node, given, outRank);
        var dims = new long[outRank];
        int next = 0;
        for (int i = 0; i < outRank; i++)
        {
            dims[i] = axes.Contains(i) ? 1 : dataDims[next++];
        }
        if (constant)
        {
            node.SetConstantOutput(data.WithDims(dims));
            return;
        }
        if (axes.Contains(0))
        {
            throw node.Error("it inserts an axis before the batch axis; the result would no longer have one row per sample.");
        }
        dims[0] = 0;
        node.Context.Add(new ReshapeNode(node.Context.LayerName(node), node.RuntimeInput(0), node.Output(), dims));
    }
}
