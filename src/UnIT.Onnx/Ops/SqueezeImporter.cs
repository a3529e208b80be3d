using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>Squeeze of a constant (axes as attribute before opset 13, optional input from 13; none means every size-1 axis), folded.</summary>
internal sealed class SqueezeImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Squeeze"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        ConstantTensor data = node.ConstantInput(0, "data");
        int[] axes = AxesInput.Read(node) is { } given
            ? AxesInput.Normalize(node, given, data.Rank)
            : Enumerable.Range(0, data.Rank).Where(i => data.Dims[i] == 1).ToArray();
        if (axes.FirstOrDefault(a => data.Dims[a] != 1, -1) is var bad and >= 0)
        {
            throw node.Error($"axis {bad} of the data {data.DimsText} has size {data.Dims[bad]}, not 1.");
        }
        long[] dims = data.Dims.Where((_, i) => !axes.Contains(i)).ToArray();
        node.SetConstantOutput(data.WithDims(dims));
    }
}
