using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>MaxPool and AveragePool (1-D and 2-D) to <see cref="PoolNode"/>.</summary>
internal sealed class PoolImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["MaxPool", "AveragePool"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        string x = node.RuntimeInput(0);
        bool max = node.OpType == "MaxPool";
        if (max)
        {
            // Indices (output 1) and its storage order are not produced.
            node.RequireOnlyFirstOutput();
            if (node.Int("storage_order", 0) != 0)
            {
                throw node.Error("storage_order 1 is not supported.");
            }
        }
        int[] kernel = node.IntArray("kernel_shape", [])
            is { Length: > 0 } k ? k : throw node.Error("kernel_shape is required.");
        int axes = kernel.Length;
        if (axes is not (1 or 2))
        {
            throw node.Error($"kernel_shape [{string.Join(",", kernel)}] is not supported; only 1-D and 2-D pooling is.");
        }
        Shape input = node.Context.ShapeOf(x);
        if (input.Rank != axes + 2)
        {
            throw node.Error($"a {axes}-D pool needs a rank-{axes + 2} input but '{x}' has shape {input}.");
        }
        int[] strides = SpatialAttributes.PerAxis(node, "strides", axes, 1);
        int[] dilations = SpatialAttributes.PerAxis(node, "dilations", axes, 1);
        (int[] begin, int[] end) = SpatialAttributes.Pads(node, input.Dimensions[2..], kernel, strides, dilations);
        bool ceilMode = node.Int("ceil_mode", 0) != 0;
        bool countIncludePad = !max && node.Int("count_include_pad", 0) != 0;
        node.Context.Add(new PoolNode(node.Context.LayerName(node), x, node.Output(), max ? PoolKind.Max : PoolKind.Average,
            kernel, strides, begin, end, dilations, ceilMode, countIncludePad));
    }
}
