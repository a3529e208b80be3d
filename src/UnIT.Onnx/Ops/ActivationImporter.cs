using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Relu, LeakyRelu (alpha 0.01), Sigmoid, Tanh, HardSigmoid (alpha 0.2, beta 0.5), HardSwish, Elu (alpha 1),
/// Selu (ONNX's alpha and gamma defaults), Softplus and Softsign to <see cref="ActivationNode"/>.
/// </summary>
internal sealed class ActivationImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Relu", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Elu", "Selu", "Softplus", "Softsign"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        ActivationKind kind = Enum.Parse<ActivationKind>(node.OpType);
        (float alpha, float beta) = kind switch
        {
            ActivationKind.LeakyRelu => (node.Float("alpha", 0.01f), 0f),
            ActivationKind.HardSigmoid => (node.Float("alpha", 0.2f), node.Float("beta", 0.5f)),
            ActivationKind.Elu => (node.Float("alpha", 1f), 0f),
            ActivationKind.Selu => (node.Float("alpha", 1.67326319217681884765625f), node.Float("gamma", 1.05070102214813232421875f)),
            _ => (0.01f, 0f),
        };
        node.Context.Add(new ActivationNode(node.Context.LayerName(node), node.RuntimeInput(0), node.Output(), kind, alpha, beta: beta));
    }
}
