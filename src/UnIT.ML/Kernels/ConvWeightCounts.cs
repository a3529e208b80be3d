using UnIT.ML.Graph;

namespace UnIT.ML.Kernels;

/// <summary>
/// What the UnIT conv kernel's statistics need from a layer's weights, counted once per layer rather than per sample:
/// the nonzero weights at each kernel position of each group, and the threshold tests they make per sample (one per
/// in-bounds activation a nonzero weight meets, which does not depend on the input).
/// </summary>
public sealed class ConvWeightCounts
{
    /// <summary>Counts <paramref name="weight"/> ([out channels, in channels per group, kh, kw]) for geometry <paramref name="g"/>.</summary>
    public ConvWeightCounts(in ConvGeometry g, ReadOnlySpan<float> weight)
    {
        int rows = g.ColumnRows, kernelSize = g.KernelH * g.KernelW, perGroup = g.OutChannelsPerGroup;
        if (weight.Length != g.OutChannels * rows)
        {
            throw new ArgumentException($"The geometry needs {g.OutChannels * rows} weights but {weight.Length} were given.", nameof(weight));
        }
        int[] inBounds = Im2Col.InBoundsPerKernelPosition(g);
        NonzeroPerPosition = new int[g.Groups * rows];
        for (int m = 0; m < g.OutChannels; m++)
        {
            int group = m / perGroup;
            for (int r = 0; r < rows; r++)
            {
                NonzeroPerPosition[group * rows + r] += weight[m * rows + r] != 0f ? 1 : 0;
            }
        }
        for (int i = 0; i < NonzeroPerPosition.Length; i++)
        {
            Tested += (long)NonzeroPerPosition[i] * inBounds[i % kernelSize];
        }
    }

    /// <summary>Per group and kernel position (channel, kh, kw) of the group, how many weights there are nonzero.</summary>
    public int[] NonzeroPerPosition { get; }

    /// <summary>Threshold tests per sample: over nonzero weights, the in-bounds activations each meets.</summary>
    public long Tested { get; }
}
