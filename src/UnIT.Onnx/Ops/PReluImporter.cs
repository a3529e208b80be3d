using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>PRelu with a constant slope that broadcasts into the input (per channel: [C, 1, 1]) to an <see cref="ElementwiseNode"/>.</summary>
internal sealed class PReluImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["PRelu"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        string x = node.RuntimeInput(0);
        if (node.Context.IsRuntime(node.Input(1)))
        {
            throw node.Error($"the slope '{node.Input(1)}' is computed at run time; only a constant slope is supported.");
        }
        ConstantTensor slope = node.ConstantInput(1, "slope");
        var tensor = new Tensor(new Shape(Array.ConvertAll(slope.Dims, d => checked((int)d))), node.ConstantFloats(1, "slope"));
        node.Context.Add(new ElementwiseNode(node.Context.LayerName(node), x, node.Output(), ElementwiseOp.PRelu, tensor, constantFirst: false));
    }
}
