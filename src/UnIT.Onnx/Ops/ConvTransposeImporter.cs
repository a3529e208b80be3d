using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// ConvTranspose (1-D and 2-D) with a constant weight to <see cref="ConvTransposeNode"/>: explicit pads
/// (auto_pad NOTSET or VALID) and output_padding; an output_shape attribute or SAME auto_pad is refused.
/// </summary>
internal sealed class ConvTransposeImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["ConvTranspose"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        string x = node.RuntimeInput(0);
        ConstantTensor w = node.ConstantInput(1, "weight");
        if (w.Rank is not (3 or 4))
        {
            throw node.Error($"weight shape {w.DimsText} is not supported; only 1-D and 2-D transposed convolutions are.");
        }
        int axes = w.Rank - 2;
        int[] kernel = node.WeightDims(w, "weight")[2..];
        if (!node.IntArray("kernel_shape", kernel).SequenceEqual(kernel))
        {
            throw node.Error($"kernel_shape does not match the weight shape {w.DimsText}.");
        }
        if (node.Has("output_shape"))
        {
            throw node.Error("the output_shape attribute is not supported; only explicit pads are.");
        }
        string autoPad = node.String("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID"))
        {
            throw node.Error($"auto_pad '{autoPad}' is not supported; only explicit pads (NOTSET) and VALID are.");
        }
        int[] pads = autoPad == "VALID" ? new int[2 * axes] : SpatialAttributes.PerAxis(node, "pads", 2 * axes, 0, min: 0);
        long group = node.Int("group", 1);
        if (group is < 1 or > int.MaxValue)
        {
            throw node.Error($"group {group} must be positive.");
        }
        float[]? bias = node.HasInput(2) ? node.ConstantFloats(2, "bias") : null;
        node.Context.Add(new ConvTransposeNode(node.Context.LayerName(node), x, node.Output(), w.ToTensor(), bias,
            SpatialAttributes.PerAxis(node, "strides", axes, 1), pads[..axes], pads[axes..],
            SpatialAttributes.PerAxis(node, "dilations", axes, 1), SpatialAttributes.PerAxis(node, "output_padding", axes, 0, min: 0), (int)group));
    }
}
