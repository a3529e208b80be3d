using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>Relu, LeakyRelu (alpha, default 0.01), Sigmoid and Tanh to <see cref="ActivationNode"/>.</summary>
internal sealed class ActivationImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Relu", "LeakyRelu", "Sigmoid", "Tanh"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        ActivationKind kind = Enum.Parse<ActivationKind>(node.OpType);
        float alpha = kind == ActivationKind.LeakyRelu ? node.Float("alpha", 0.01f) : 0.01f;
        node.Context.Add(new ActivationNode(node.Context.LayerName(node), node.RuntimeInput(0), node.Output(), kind, alpha));
    }
}
