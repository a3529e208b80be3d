using System.Globalization;

namespace UnIT.ML.Graph;

/// <summary>
/// The output length of a convolution or pooling window along one spatial axis, computed in 64-bit
/// arithmetic and checked: kernels index with 32-bit integers, so the padded input and the cells the
/// last window covers must stay within <see cref="int.MaxValue"/>.
/// </summary>
internal static class SlidingWindow
{
    /// <summary>
    /// The number of window positions along one axis, or 0 with <paramref name="problem"/> set when the
    /// window does not fit (the dilated kernel is longer than the padded input) or the sizes leave the
    /// 32-bit index range. <paramref name="axis"/> names the axis in the explanation.
    /// </summary>
    public static int OutputLength(string axis, int input, int padBegin, int padEnd, int kernel, int stride, int dilation,
        bool ceilMode, out string? problem)
    {
        static string S(long v) => v.ToString(CultureInfo.InvariantCulture);
        // Every operand is a non-negative int, so none of these long expressions can overflow.
        long padded = (long)input + padBegin + padEnd;
        long extent = (long)dilation * (kernel - 1) + 1;
        if (padded > int.MaxValue)
        {
            problem = $"along {axis}, input {S(input)} with pads {S(padBegin)}+{S(padEnd)} exceeds the 32-bit index range.";
            return 0;
        }
        if (extent > padded)
        {
            problem = $"along {axis}, the kernel of {S(kernel)} with dilation {S(dilation)} spans {S(extent)} cells, more than the {S(padded)} of input {S(input)} with pads {S(padBegin)}+{S(padEnd)}.";
            return 0;
        }
        long span = padded - extent;
        long size = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
        // ONNX: with ceil_mode, a window that would start inside the end padding is dropped.
        if (ceilMode && (size - 1) * stride >= (long)input + padBegin)
        {
            size--;
        }
        // Kernels compute input indices up to the last window's start plus its extent in 32 bits.
        if ((size - 1) * stride + extent > int.MaxValue)
        {
            problem = $"along {axis}, the last window (stride {S(stride)}) reaches beyond the 32-bit index range.";
            return 0;
        }
        problem = null;
        return (int)size;
    }
}
