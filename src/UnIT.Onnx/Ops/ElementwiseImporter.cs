using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Add, Sub, Mul and Div. With one constant operand (either side) an <see cref="ElementwiseNode"/>,
/// except that Add of a per-neuron constant after a bias-free MatMul becomes that layer's bias.
/// With two constant operands the result is folded; with two run-time operands (a residual
/// connection, Swish, squeeze-excitation) a <see cref="BinaryNode"/>.
/// </summary>
internal sealed class ElementwiseImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Add", "Sub", "Mul", "Div"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        ElementwiseOp op = Enum.Parse<ElementwiseOp>(node.OpType);
        ImportContext context = node.Context;
        bool leftConstant = context.TryGetConstant(node.Input(0), out ConstantTensor left);
        bool rightConstant = context.TryGetConstant(node.Input(1), out ConstantTensor right);
        if (leftConstant && rightConstant)
        {
            long[] dims = ConstantMath.BroadcastDims(left.Dims, right.Dims)
                ?? throw node.Error($"constant operands {left.DimsText} and {right.DimsText} do not broadcast.");
            try
            {
                node.SetConstantOutput(ConstantMath.Binary(left, right, op, dims));
            }
            catch (DivideByZeroException ex)
            {
                throw node.Error("integer division by zero.", ex);
            }
            return;
        }
        if (!leftConstant && !rightConstant)
        {
            context.Add(new BinaryNode(context.LayerName(node), node.RuntimeInput(0), node.RuntimeInput(1), node.Output(), op));
            return;
        }
        int runtimeIndex = leftConstant ? 1 : 0;
        string x = node.RuntimeInput(runtimeIndex);
        ConstantTensor constant = leftConstant ? left : right;
        float[] values = node.ConstantFloats(1 - runtimeIndex, "constant");

        if (op == ElementwiseOp.Add && TryFoldBias(node, x, constant, values))
        {
            return;
        }
        var tensor = new Tensor(new Shape(Array.ConvertAll(constant.Dims, d => checked((int)d))), values);
        context.Add(new ElementwiseNode(context.LayerName(node), x, node.Output(), op, tensor, constantFirst: leftConstant));
    }

    /// <summary>Makes a [N] or [1, N] constant the bias of the bias-free MatMul layer that feeds only this Add.</summary>
    private static bool TryFoldBias(OnnxNode node, string x, ConstantTensor constant, float[] values)
    {
        ImportContext context = node.Context;
        if (context.SoleProducer<FullyConnectedNode>(x) is not { Bias: null } fc
            || constant.Rank == 0
            || constant.Count != fc.OutputChannels
            || constant.Dims[..^1].Any(d => d != 1)
            || constant.Rank > context.ShapeOf(x).Rank)
        {
            return false;
        }
        context.Replace(fc, new FullyConnectedNode(fc.Name, fc.Input, node.Output(), fc.Weight, (float[])values.Clone(), fc.OpName));
        return true;
    }
}
