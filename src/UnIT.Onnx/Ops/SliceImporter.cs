using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Slice of a constant, folded; of a run-time value, a <see cref="SliceNode"/> that leaves the batch axis
/// whole. Before opset 10 starts/ends/axes are attributes; from opset 10 they (and steps) are constant
/// inputs. Bounds are clamped as ONNX specifies.
/// </summary>
internal sealed class SliceImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Slice"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        (long[] starts, long[] ends, long[] axes, long[] steps) = Bounds(node);
        if (!node.Context.TryGetConstant(node.Input(0), out ConstantTensor data))
        {
            ImportRuntime(node, starts, ends, axes, steps);
            return;
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
            (long s, long count) = Range(data.Dims[axis], starts[i], ends[i], steps[i]);
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

    /// <summary>The first index and the number of cells a slice takes from an axis of <paramref name="size"/> cells, clamped as ONNX specifies.</summary>
    public static (long First, long Count) Range(long size, long start, long end, long step)
    {
        long s = start < 0 ? start + size : start;
        long e = end < 0 ? end + size : end;
        if (step > 0)
        {
            s = Math.Clamp(s, 0, size);
            e = Math.Clamp(e, 0, size);
            return (s, Math.Max(0, (e - s + step - 1) / step));
        }
        if (size == 0)
        {
            // Nothing to walk backwards through (and no valid start to clamp to).
            return (0, 0);
        }
        s = Math.Clamp(s, 0, size - 1);
        e = Math.Clamp(e, -1, size - 1);
        return (s, Math.Max(0, (s - e - step - 1) / -step));
    }

    private static (long[] Starts, long[] Ends, long[] Axes, long[] Steps) Bounds(OnnxNode node)
    {
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
        return (starts, ends, axes, steps);
    }

    /// <summary>
    /// A slice of a run-time value. The batch axis may only be taken whole (from 0, step 1, to at least the
    /// exported batch size, or to the largest index for a dynamic batch): anything else drops or reorders samples.
    /// </summary>
    private static void ImportRuntime(OnnxNode node, long[] starts, long[] ends, long[] axes, long[] steps)
    {
        string x = node.RuntimeInput(0);
        Shape shape = node.Context.ShapeOf(x);
        int rank = shape.Rank;
        var first = new int[rank - 1];
        var step = Enumerable.Repeat(1, rank - 1).ToArray();
        int[] counts = shape.Dimensions[1..];
        var seen = new HashSet<int>();
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = AxesInput.Resolve(axes[i], rank);
            if (axis < 0 || steps[i] == 0 || !seen.Add(axis))
            {
                throw node.Error($"axis {axes[i]} with step {steps[i]} is invalid or repeated for the input {shape}.");
            }
            if (axis == 0)
            {
                long whole = node.Context.FixedBatch ?? int.MaxValue;
                if (starts[i] != 0 || steps[i] != 1 || ends[i] < whole)
                {
                    throw node.Error($"it slices the batch axis ({starts[i]}:{ends[i]}:{steps[i]}); only slices that keep every sample are supported.");
                }
                continue;
            }
            (long s, long count) = Range(shape[axis], starts[i], ends[i], steps[i]);
            if (count == 0)
            {
                throw node.Error($"the slice {starts[i]}:{ends[i]}:{steps[i]} of axis {axis} of the input {shape} is empty; empty tensors are not supported.");
            }
            first[axis - 1] = (int)s;
            step[axis - 1] = count == 1 ? 1 : checked((int)steps[i]);
            counts[axis - 1] = (int)count;
        }
        node.Context.Add(new SliceNode(node.Context.LayerName(node), x, node.Output(), first, step, counts));
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
