using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>The per-axis attributes Conv and the pools share: strides, dilations, pads and auto_pad.</summary>
internal static class SpatialAttributes
{
    /// <summary>An INTS attribute with one entry per spatial axis, each at least <paramref name="min"/>; <paramref name="fallback"/> for every axis when absent.</summary>
    public static int[] PerAxis(OnnxNode node, string name, int axes, int fallback, int min = 1)
    {
        int[] values = node.IntArray(name, Enumerable.Repeat(fallback, axes).ToArray());
        if (values.Length != axes || values.Any(v => v < min))
        {
            throw node.Error($"{name} [{string.Join(",", values)}] must have {axes} value(s), each at least {min}.");
        }
        return values;
    }

    /// <summary>
    /// Explicit padding at the start and end of each spatial axis: the pads attribute for
    /// auto_pad NOTSET, none for VALID, and for SAME_UPPER/SAME_LOWER the padding that gives
    /// ceil(input / stride) outputs, the odd cell going to the end (UPPER) or start (LOWER).
    /// </summary>
    public static (int[] Begin, int[] End) Pads(OnnxNode node, int[] inputSizes, int[] kernel, int[] strides, int[] dilations)
    {
        int axes = kernel.Length;
        string autoPad = node.String("auto_pad", "NOTSET");
        switch (autoPad)
        {
            case "NOTSET":
            {
                int[] pads = PerAxis(node, "pads", 2 * axes, 0, min: 0);
                return (pads[..axes], pads[axes..]);
            }
            case "VALID":
                return (new int[axes], new int[axes]);
            case "SAME_UPPER":
            case "SAME_LOWER":
            {
                var begin = new int[axes];
                var end = new int[axes];
                for (int i = 0; i < axes; i++)
                {
                    // 64-bit: large strides, kernels or dilations must not wrap around.
                    long outSize = ((long)inputSizes[i] + strides[i] - 1) / strides[i];
                    long span = (long)dilations[i] * (kernel[i] - 1) + 1;
                    long total = Math.Max(0, (outSize - 1) * strides[i] + span - inputSizes[i]);
                    if (total > int.MaxValue)
                    {
                        throw node.Error($"auto_pad {autoPad} needs {total} cells of padding along spatial axis {i} (kernel_shape {kernel[i]}, strides {strides[i]}, dilations {dilations[i]}); that exceeds the 32-bit index range.");
                    }
                    int small = (int)total / 2;
                    (begin[i], end[i]) = autoPad == "SAME_UPPER" ? (small, (int)total - small) : ((int)total - small, small);
                }
                return (begin, end);
            }
            default:
                throw node.Error($"auto_pad '{autoPad}' is not supported.");
        }
    }
}
