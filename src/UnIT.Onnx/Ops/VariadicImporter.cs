using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Sum, Max, Min and Mean of any number of operands (numpy broadcasting), left to right as ONNX Runtime
/// computes them: two run-time operands make a <see cref="BinaryNode"/>, a run-time and a constant one an
/// <see cref="ElementwiseNode"/>, two constants fold. Mean divides the sum by the operand count at the end.
/// </summary>
internal sealed class VariadicImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Sum", "Max", "Min", "Mean"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        int[] present = Enumerable.Range(0, node.InputCount).Where(node.HasInput).ToArray();
        if (present.Length == 0)
        {
            throw node.Error("there are no inputs.");
        }
        ElementwiseOp op = node.OpType switch
        {
            "Max" => ElementwiseOp.Max,
            "Min" => ElementwiseOp.Min,
            _ => ElementwiseOp.Add,
        };
        ImportContext context = node.Context;
        bool mean = node.OpType == "Mean";
        string output = node.Output();
        // The value so far: a run-time name, or a constant while every operand so far was one.
        string? runtime = null;
        ConstantTensor? constant = null;
        for (int k = 0; k < present.Length; k++)
        {
            bool lastStep = k == present.Length - 1 && !mean;
            string target = lastStep ? output : $"{output}__{node.OpType.ToLowerInvariant()}{k}";
            string name = node.Input(present[k]);
            if (context.TryGetConstant(name, out ConstantTensor operand))
            {
                if (runtime is null)
                {
                    constant = constant is null ? operand : Fold(node, constant, operand, op);
                    continue;
                }
                runtime = WithConstant(node, runtime, operand, op, target, constantFirst: false);
                continue;
            }
            string x = node.RuntimeInput(present[k]);
            runtime = runtime is not null
                ? Add(context, new BinaryNode(context.LayerName(node), runtime, x, target, op))
                : constant is not null ? WithConstant(node, x, constant, op, target, constantFirst: true) : x;
        }
        if (runtime is null)
        {
            ConstantTensor sum = constant!;
            node.SetConstantOutput(mean ? Fold(node, sum, ConstantTensor.FromFloats([], [present.Length]), ElementwiseOp.Div) : sum);
            return;
        }
        if (mean)
        {
            context.Add(new ElementwiseNode(context.LayerName(node), runtime, output, ElementwiseOp.Div, new Tensor(new Shape(), [present.Length]), constantFirst: false));
        }
        else if (runtime != output)
        {
            // A single run-time operand: the node is an identity.
            context.Alias(output, runtime);
        }
    }

    private static string Add(ImportContext context, Node node)
    {
        context.Add(node);
        return node.Output;
    }

    private static string WithConstant(OnnxNode node, string x, ConstantTensor constant, ElementwiseOp op, string target, bool constantFirst)
    {
        if (constant.HasUnknown)
        {
            throw node.Error("a constant operand depends on the dynamic batch size.");
        }
        var tensor = new Tensor(new Shape(Array.ConvertAll(constant.Dims, d => checked((int)d))), constant.Floats());
        return Add(node.Context, new ElementwiseNode(node.Context.LayerName(node), x, target, op, tensor, constantFirst));
    }

    private static ConstantTensor Fold(OnnxNode node, ConstantTensor a, ConstantTensor b, ElementwiseOp op)
    {
        long[] dims = ConstantMath.BroadcastDims(a.Dims, b.Dims)
            ?? throw node.Error($"constant operands {a.DimsText} and {b.DimsText} do not broadcast.");
        return ConstantMath.Binary(a, b, op, dims);
    }
}
