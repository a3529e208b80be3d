using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Squeeze (axes as attribute before opset 13, optional input from 13; none means every size-1 axis):
/// folded on a constant, a <see cref="ReshapeNode"/> on a run-time value. The batch axis is never
/// squeezed; without axes that is refused unless the model's fixed batch is larger than 1, since ONNX
/// Runtime would drop the batch axis of a single sample.
/// </summary>
internal sealed class SqueezeImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Squeeze"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        if (!node.Context.TryGetConstant(node.Input(0), out ConstantTensor data))
        {
            ImportRuntime(node);
            return;
        }
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

    private static void ImportRuntime(OnnxNode node)
    {
        string x = node.RuntimeInput(0);
        Shape shape = node.Context.ShapeOf(x);
        int[] axes;
        if (AxesInput.Read(node) is { } given)
        {
            axes = AxesInput.Normalize(node, given, shape.Rank);
        }
        else if (node.Context.FixedBatch is > 1)
        {
            axes = Enumerable.Range(1, shape.Rank - 1).Where(i => shape[i] == 1).ToArray();
        }
        else
        {
            throw node.Error("without axes it would squeeze the batch axis of a single sample; only explicit non-batch axes are supported.");
        }
        if (axes.Contains(0))
        {
            throw node.Error("it squeezes the batch axis (0); the result would no longer have one row per sample.");
        }
        if (axes.FirstOrDefault(a => shape[a] != 1, -1) is var bad and >= 0)
        {
            throw node.Error($"axis {bad} of the input {shape} has size {shape[bad]}, not 1.");
        }
        long[] target = shape.Dimensions.Select((d, i) => i == 0 ? 0L : d).Where((_, i) => !axes.Contains(i)).ToArray();
        node.Context.Add(new ReshapeNode(node.Context.LayerName(node), x, node.Output(), target));
    }
}
