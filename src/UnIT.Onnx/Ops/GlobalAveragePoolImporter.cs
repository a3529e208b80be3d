using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>GlobalAveragePool to <see cref="GlobalAveragePoolNode"/>.</summary>
internal sealed class GlobalAveragePoolImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["GlobalAveragePool"];

    /// <inheritdoc/>
    public void Import(OnnxNode node) =>
        node.Context.Add(new GlobalAveragePoolNode(node.Context.LayerName(node), node.RuntimeInput(0), node.Output()));
}
