using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>The axes of Unsqueeze and Squeeze: an attribute before opset 13, input 1 from opset 13.</summary>
internal static class AxesInput
{
    /// <summary>The axes as given, or null when none are.</summary>
    public static long[]? Read(OnnxNode node) => node.Opset < 13
        ? node.Ints("axes")
        : node.HasInput(1) ? node.ConstantInput(1, "axes").Ints() : null;

    /// <summary>The axes with negative values counted from the end of a rank-<paramref name="rank"/> tensor; throws when out of range or repeated.</summary>
    public static int[] Normalize(OnnxNode node, long[] axes, int rank)
    {
        int[] normalized = axes.Select(a => Resolve(a, rank)).ToArray();
        if (normalized.Any(a => a < 0 || a >= rank) || normalized.Distinct().Count() != normalized.Length)
        {
            throw node.Error($"axes [{string.Join(",", axes)}] are out of range or repeated for rank {rank}.");
        }
        return normalized;
    }

    /// <summary>
    /// <paramref name="axis"/> counted from the end when negative, or -1 when it lies outside a
    /// rank-<paramref name="rank"/> tensor (compared as 64-bit values, so a huge axis cannot wrap around into range).
    /// </summary>
    public static int Resolve(long axis, int rank) => axis >= -rank && axis < rank ? (int)(axis < 0 ? axis + rank : axis) : -1;
}
