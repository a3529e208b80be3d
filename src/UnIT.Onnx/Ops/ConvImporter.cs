using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>Conv (1-D and 2-D) to <see cref="ConvNode"/>, with auto_pad resolved to explicit pads.</summary>
internal sealed class ConvImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Conv"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        string x = node.RuntimeInput(0);
        ConstantTensor w = node.ConstantInput(1, "weight");
        if (w.Rank is not (3 or 4))
        {
            throw node.Error($"weight shape {w.DimsText} is not supported; only 1-D and 2-D convolutions are.");
        }
        int axes = w.Rank - 2;
        int[] kernel = node.WeightDims(w, "weight")[2..];
        int[] declared = node.IntArray("kernel_shape", kernel);
        if (!declared.SequenceEqual(kernel))
        {
            throw node.Error($"kernel_shape [{string.Join(",", declared)}] does not match the weight shape {w.DimsText}.");
        }
        Shape input = node.Context.ShapeOf(x);
        if (input.Rank != axes + 2)
        {
            throw node.Error($"a {axes}-D convolution needs a rank-{axes + 2} input but '{x}' has shape {input}.");
        }
        int[] strides = SpatialAttributes.PerAxis(node, "strides", axes, 1);
        int[] dilations = SpatialAttributes.PerAxis(node, "dilations", axes, 1);
        (int[] begin, int[] end) = SpatialAttributes.Pads(node, input.Dimensions[2..], kernel, strides, dilations);
        long group = node.Int("group", 1);
        if (group is < 1 or > int.MaxValue)
        {
            throw node.Error($"group {group} must be positive.");
        }
        float[]? bias = node.HasInput(2) ? node.ConstantFloats(2, "bias") : null;
        node.Context.Add(new ConvNode(node.Context.LayerName(node), x, node.Output(), w.ToTensor(), bias,
            strides, begin, end, dilations, (int)group));
    }
}
