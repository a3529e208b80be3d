using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// MatMul of a run-time input by a constant [K, N] matrix to a <see cref="FullyConnectedNode"/>
/// (op name "MatMul") with the weight transposed to [N, K]. A following Add of a constant
/// bias is folded in by <see cref="ElementwiseImporter"/>.
/// </summary>
internal sealed class MatMulImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["MatMul"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        string a = node.RuntimeInput(0);
        Shape input = node.Context.ShapeOf(a);
        if (input.Rank < 2)
        {
            throw node.Error($"input '{a}' has shape {input}; a batch axis and a feature axis are required.");
        }
        if (node.Context.IsRuntime(node.Input(1)))
        {
            throw node.Error("both operands are computed at run time; only a constant right operand is supported.");
        }
        ConstantTensor b = node.ConstantInput(1, "right operand");
        if (b.Rank != 2)
        {
            throw node.Error($"the right operand has shape {b.DimsText}; only a constant matrix [K, N] is supported.");
        }
        float[] source = node.ConstantFloats(1, "right operand");
        int[] dims = node.WeightDims(b, "right operand");
        (int k, int n) = (dims[0], dims[1]);
        var weight = new float[n * k];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < k; c++)
            {
                weight[r * k + c] = source[c * n + r];
            }
        }
        node.Context.Add(new FullyConnectedNode(node.Context.LayerName(node), a, node.Output(),
            new Tensor(new Shape(n, k), weight), null, "MatMul"));
    }
}
