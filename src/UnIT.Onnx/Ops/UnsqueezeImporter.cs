using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>Unsqueeze of a constant (axes as attribute before opset 13, as input from 13), folded.</summary>
internal sealed class UnsqueezeImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Unsqueeze"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        ConstantTensor data = node.ConstantInput(0, "data");
        long[] given = AxesInput.Read(node) ?? throw node.Error("axes are required.");
        // Unsqueeze axes index the output, which has one axis more per entry.
        int outRank = data.Rank + given.Length;
        int[] axes = AxesInput.Normalize(node, given, outRank);
        var dims = new long[outRank];
        int next = 0;
        for (int i = 0; i < outRank; i++)
        {
            dims[i] = axes.Contains(i) ? 1 : data.Dims[next++];
        }
        node.SetConstantOutput(data.WithDims(dims));
    }
}
