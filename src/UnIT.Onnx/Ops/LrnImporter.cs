using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>LRN (size required; alpha 1e-4, beta 0.75, bias 1 by default) to <see cref="LrnNode"/>.</summary>
internal sealed class LrnImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["LRN"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        long size = node.Has("size") ? node.Int("size", 0) : throw node.Error("size is required.");
        if (size is < 1 or > int.MaxValue)
        {
            throw node.Error($"size {size} must be a positive number of channels.");
        }
        node.Context.Add(new LrnNode(node.Context.LayerName(node), node.RuntimeInput(0), node.Output(), (int)size,
            node.Float("alpha", 1e-4f), node.Float("beta", 0.75f), node.Float("bias", 1f)));
    }
}
