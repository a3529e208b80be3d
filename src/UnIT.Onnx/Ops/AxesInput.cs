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
        int[] normalized = axes.Select(a => (int)(a < 0 ? a + rank : a)).ToArray();
        if (normalized.Any(a => a < 0 || a >= rank) || normalized.Distinct().Count() != normalized.Length)
        {
            throw node.Error($"axes [{string.Join(",", axes)}] are out of range or repeated for rank {rank}.");
        }
        return normalized;
    }
}
