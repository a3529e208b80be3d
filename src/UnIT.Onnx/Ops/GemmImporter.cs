using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Gemm (Y = alpha * A * op(B) + beta * C) with a constant B to <see cref="FullyConnectedNode"/>:
/// alpha is folded into the weight, beta into the bias, and the weight is stored [N, K].
/// </summary>
internal sealed class GemmImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Gemm"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        string a = node.RuntimeInput(0);
        if (node.Int("transA", 0) != 0)
        {
            throw node.Error("transA=1 is not supported; the run-time input must be the untransposed left operand.");
        }
        Shape input = node.Context.ShapeOf(a);
        if (input.Rank != 2)
        {
            throw node.Error($"input '{a}' has shape {input}; Gemm needs a matrix.");
        }
        ConstantTensor b = node.ConstantInput(1, "B");
        if (b.Rank != 2)
        {
            throw node.Error($"B has shape {b.DimsText}; Gemm needs a matrix.");
        }
        bool transB = node.Int("transB", 0) != 0;
        float alpha = node.Float("alpha", 1f);
        float beta = node.Float("beta", 1f);
        float[] source = node.ConstantFloats(1, "B");
        int[] dims = node.WeightDims(b, "B");
        (int n, int k) = transB ? (dims[0], dims[1]) : (dims[1], dims[0]);
        var weight = new float[n * k];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < k; c++)
            {
                weight[r * k + c] = alpha * (transB ? source[r * k + c] : source[c * n + r]);
            }
        }
        float[]? bias = null;
        if (node.HasInput(2))
        {
            bias = BiasOf(node, node.ConstantInput(2, "C"), node.ConstantFloats(2, "C"), n);
            for (int i = 0; i < n; i++)
            {
                bias[i] *= beta;
            }
        }
        node.Context.Add(new FullyConnectedNode(node.Context.LayerName(node), a, node.Output(),
            new Tensor(new Shape(n, k), weight), bias, "Gemm"));
    }

    /// <summary>C as one value per output neuron: a scalar, [N] or [1, N].</summary>
    private static float[] BiasOf(OnnxNode node, ConstantTensor c, float[] values, int n)
    {
        if (c.Count == 1 && c.Rank <= 2)
        {
            return Enumerable.Repeat(values[0], n).ToArray();
        }
        bool perNeuron = c.Count == n && (c.Rank == 1 || (c.Rank == 2 && c.Dims[0] == 1));
        return perNeuron
            ? (float[])values.Clone()
            : throw node.Error($"C has shape {c.DimsText}; only a scalar, [{n}] or [1,{n}] bias is supported.");
    }
}
