using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Slice of a constant, folded. Before opset 10 starts/ends/axes are attributes; from opset 10
/// they (and steps) are constant inputs. Bounds are clamped as ONNX specifies.
/// </summary>
internal sealed class SliceImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Slice"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        ConstantTensor data = node.ConstantInput(0, "data");
        long[] starts;
        long[] ends;
        long[]? axes;
        long[]? steps = null;
        if (node.Opset < 10)
        {
            starts = node.Ints("starts") ?? throw node.Error("starts is required.");
            ends = node.Ints("ends") ?? throw node.Error("ends is required.");
            axes = node.Ints("axes");
        }
        else
        {
            starts = Parameter(node, 1, "starts") ?? throw node.Error("starts is required.");
            ends = Parameter(node, 2, "ends") ?? throw node.Error("ends is required.");
            axes = Parameter(node, 3, "axes");
            steps = Parameter(node, 4, "steps");
        }
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        steps ??= Enumerable.Repeat(1L, starts.Length).ToArray();
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
        {
            throw node.Error("starts, ends, axes and steps must have the same length.");
        }

        int rank = data.Rank;
        var first = new long[rank];
        var step = Enumerable.Repeat(1L, rank).ToArray();
        long[] dims = (long[])data.Dims.Clone();
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = AxesInput.Resolve(axes[i], rank);
            if (axis < 0 || axis >= rank || steps[i] == 0)
            {
                throw node.Error($"axis {axes[i]} with step {steps[i]} is invalid for data of shape {data.DimsText}.");
            }
            long size = data.Dims[axis];
            long s = starts[i] < 0 ? starts[i] + size : starts[i];
            long e = ends[i] < 0 ? ends[i] + size : ends[i];
            long count;
            if (steps[i] > 0)
            {
                s = Math.Clamp(s, 0, size);
                e = Math.Clamp(e, 0, size);
                count = Math.Max(0, (e - s + steps[i] - 1) / steps[i]);
            }
            else if (size == 0)
            {
                // Nothing to walk backwards through (and no valid start to clamp to).
                (s, count) = (0, 0);
            }
            else
            {
                s = Math.Clamp(s, 0, size - 1);
                e = Math.Clamp(e, -1, size - 1);
                count = Math.Max(0, (s - e - steps[i] - 1) / -steps[i]);
            }
            first[axis] = s;
            step[axis] = steps[i];
            dims[axis] = count;
        }

        long[] strides = data.Strides();
        var source = new int[checked((int)ConstantTensor.ElementCount(dims))];
        var pos = new long[rank];
        for (int n = 0; n < source.Length; n++)
        {
            long index = 0;
            for (int d = 0; d < rank; d++)
            {
                index += (first[d] + pos[d] * step[d]) * strides[d];
            }
            source[n] = (int)index;
            for (int d = rank - 1; d >= 0 && ++pos[d] == dims[d]; d--)
            {
                pos[d] = 0;
            }
        }
        node.SetConstantOutput(data.Select(dims, source));
    }

    private static long[]? Parameter(OnnxNode node, int index, string role)
    {
        if (!node.HasInput(index))
        {
            return null;
        }
        ConstantTensor value = node.ConstantInput(index, role);
        return value.HasUnknown
            ? throw node.Error($"the {role} input depends on the dynamic batch size.")
            : value.Ints();
    }
}
