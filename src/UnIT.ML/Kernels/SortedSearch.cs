using System.Runtime.Intrinsics;

namespace UnIT.ML.Kernels;

/// <summary>Rank queries on ascending arrays.</summary>
internal static class SortedSearch
{
    /// <summary>
    /// The window a search narrows to before it counts the rest with vector compares. Statistics runs of fashion_mnist_cnn
    /// (10,000 images, list counts of 150 and 400 thresholds per channel): 350 ms by halving alone, 256 ms with a window of 16,
    /// 178 ms with 128, 253 ms with 512 (all compares).
    /// </summary>
    private const int Window = 128;

    /// <summary>
    /// How many values of ascending <paramref name="sorted"/> are below <paramref name="value"/> (the index of the first one
    /// at least it): halving down to a short window, which vector compares count (they are independent of each other,
    /// where each halving waits on the one before).
    /// </summary>
    public static int CountBelow(ReadOnlySpan<float> sorted, float value)
    {
        int start = 0, length = sorted.Length;
        while (length > Window)
        {
            int half = length >> 1;
            start = sorted[start + half] < value ? start + half : start;
            length -= half;
        }
        ReadOnlySpan<float> rest = sorted.Slice(start, length);
        int below = 0, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> v = Vector256.Create(value);
            Vector256<int> count = Vector256<int>.Zero;
            for (; i <= rest.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                count -= Vector256.LessThan(Vector256.Create(rest.Slice(i, Vector256<float>.Count)), v).AsInt32();
            }
            below = Vector256.Sum(count);
        }
        for (; i < rest.Length; i++)
        {
            below += rest[i] < value ? 1 : 0;
        }
        return start + below;
    }
}
