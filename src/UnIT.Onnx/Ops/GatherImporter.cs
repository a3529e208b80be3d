using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>Gather on constants (typically picking entries of a Shape result), folded.</summary>
internal sealed class GatherImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Gather"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        ConstantTensor data = node.ConstantInput(0, "data");
        ConstantTensor indices = node.ConstantInput(1, "indices");
        if (data.Rank == 0)
        {
            throw node.Error("data must have at least one axis.");
        }
        long axisAttr = node.Int("axis", 0);
        int axis = AxesInput.Resolve(axisAttr, data.Rank);
        if (axis < 0 || axis >= data.Rank)
        {
            throw node.Error($"axis {axisAttr} is out of range for data of shape {data.DimsText}.");
        }
        long size = data.Dims[axis];
        long[] picks = indices.Ints();
        foreach (long p in picks)
        {
            if (p < -size || p >= size)
            {
                throw node.Error($"index {(p == ConstantTensor.Unknown ? "(dynamic)" : p)} is out of range for axis {axis} of size {size}.");
            }
        }
        long outer = ConstantTensor.ElementCount(data.Dims[..axis]);
        long inner = ConstantTensor.ElementCount(data.Dims[(axis + 1)..]);
        // Repeated indices can make the result far larger than the data; it must fit in one array.
        if ((double)outer * picks.Length * inner > Array.MaxLength)
        {
            throw node.Error($"gathering {picks.Length} indices from data of shape {data.DimsText} gives more elements than one array can hold.");
        }
        var source = new List<int>();
        for (long o = 0; o < outer; o++)
        {
            foreach (long p in picks)
            {
                long row = p < 0 ? p + size : p;
                for (long i = 0; i < inner; i++)
                {
                    source.Add((int)((o * size + row) * inner + i));
                }
            }
        }
        long[] dims = [.. data.Dims[..axis], .. indices.Dims, .. data.Dims[(axis + 1)..]];
        node.SetConstantOutput(data.Select(dims, source.ToArray()));
    }
}
