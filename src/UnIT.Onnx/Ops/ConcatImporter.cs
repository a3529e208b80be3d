using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Concat of constants (typically assembling a Reshape target), folded; Concat of run-time values
/// (branches joined along channels) to a <see cref="ConcatNode"/>.
/// </summary>
internal sealed class ConcatImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Concat"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        int[] present = Enumerable.Range(0, node.InputCount).Where(node.HasInput).ToArray();
        if (present.Any(i => node.Context.IsRuntime(node.Input(i))))
        {
            ImportRuntime(node, present);
            return;
        }
        var parts = Enumerable.Range(0, node.InputCount).Where(node.HasInput)
            .Select(i => node.ConstantInput(i, $"#{i}")).ToArray();
        if (parts.Length == 0)
        {
            throw node.Error("there are no inputs.");
        }
        int rank = parts[0].Rank;
        long axisAttr = node.Has("axis") ? node.Int("axis", 0) : throw node.Error("axis is required.");
        int axis = AxesInput.Resolve(axisAttr, rank);
        if (axis < 0 || axis >= rank)
        {
            throw node.Error($"axis {axisAttr} is out of range for rank {rank}.");
        }
        foreach (ConstantTensor p in parts)
        {
            if (p.Rank != rank || Enumerable.Range(0, rank).Any(d => d != axis && p.Dims[d] != parts[0].Dims[d]))
            {
                throw node.Error($"inputs of shapes {string.Join(", ", parts.Select(q => q.DimsText))} do not concatenate along axis {axis}.");
            }
        }
        long outer = ConstantTensor.ElementCount(parts[0].Dims[..axis]);
        bool integer = parts.All(p => p.IsInteger);
        var ints = new List<long>();
        var floats = new List<float>();
        for (long o = 0; o < outer; o++)
        {
            foreach (ConstantTensor p in parts)
            {
                int chunk = (int)(p.Count / Math.Max(outer, 1));
                int from = (int)(o * chunk);
                if (integer)
                {
                    ints.AddRange(p.Ints().AsSpan(from, chunk));
                }
                else
                {
                    floats.AddRange(p.Floats().AsSpan(from, chunk));
                }
            }
        }
        long[] dims = (long[])parts[0].Dims.Clone();
        dims[axis] = parts.Sum(p => p.Dims[axis]);
        node.SetConstantOutput(integer ? ConstantTensor.FromInts(dims, ints.ToArray()) : ConstantTensor.FromFloats(dims, floats.ToArray()));
    }

    private static void ImportRuntime(OnnxNode node, int[] present)
    {
        string[] inputs = present.Select(i => node.RuntimeInput(i)).ToArray();
        int rank = node.Context.ShapeOf(inputs[0]).Rank;
        long axisAttr = node.Has("axis") ? node.Int("axis", 0) : throw node.Error("axis is required.");
        int axis = AxesInput.Resolve(axisAttr, rank);
        if (axis < 0 || axis >= rank)
        {
            throw node.Error($"axis {axisAttr} is out of range for rank {rank}.");
        }
        if (axis == 0)
        {
            throw node.Error("concatenating along the batch axis (0) mixes samples; only other axes are supported.");
        }
        node.Context.Add(new ConcatNode(node.Context.LayerName(node), inputs, node.Output(), axis));
    }
}
