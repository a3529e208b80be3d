using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using UnIT.ML.Graph;

namespace UnIT.ML.Kernels;

/// <summary>
/// What the UnIT conv kernel's statistics need from a layer's weights, counted once per layer rather than per sample.
/// <para>
/// A nonzero weight at kernel position r meets every activation of r's window (im2col row r) once, so the nonzero
/// activations met by nonzero weights, summed over the layer, are <c>sum over input positions p of [x_p != 0] * cover(p)</c>
/// with <c>cover(p)</c> the nonzero weights whose window holds p. The cover depends on the weights and the geometry
/// only, so a sample's count is one vectorized pass over its input. The threshold tests (one per in-bounds
/// activation a nonzero weight meets) do not depend on the input at all.
/// </para>
/// </summary>
public sealed class ConvWeightCounts
{
    private const int FlushEvery = 256;

    private readonly int[] _cover;

    /// <summary>Counts <paramref name="weight"/> ([out channels, in channels per group, kh, kw]) for geometry <paramref name="g"/>.</summary>
    public ConvWeightCounts(in ConvGeometry g, ReadOnlySpan<float> weight)
    {
        int rows = g.ColumnRows, kernelSize = g.KernelH * g.KernelW, perGroup = g.OutChannelsPerGroup;
        if (weight.Length != g.OutChannels * rows)
        {
            throw new ArgumentException($"The geometry needs {g.OutChannels * rows} weights but {weight.Length} were given.", nameof(weight));
        }
        int[] inBounds = Im2Col.InBoundsPerKernelPosition(g), inBoundsRows = Im2Col.InBoundsRowsPerKernelPosition(g);
        var nonzero = new int[g.Groups * rows];
        for (int m = 0; m < g.OutChannels; m++)
        {
            for (int r = 0; r < rows; r++)
            {
                nonzero[m / perGroup * rows + r] += weight[m * rows + r] != 0f ? 1 : 0;
            }
        }
        _cover = new int[g.InputSampleSize];
        int outH = g.OutH, outW = g.OutW;
        for (int i = 0; i < nonzero.Length; i++)
        {
            Tested += (long)nonzero[i] * inBounds[i % kernelSize];
            TestedRows += (long)nonzero[i] * inBoundsRows[i % kernelSize];
            // Entry i is (group, channel c of the group, kh, kw): add its weights to every input position of its window.
            int channel = i / kernelSize, kh = i % kernelSize / g.KernelW, kw = i % g.KernelW;
            (int start, int end) = ConvKernel.ValidColumns(g, kw, outW);
            for (int oh = 0; oh < outH && nonzero[i] != 0; oh++)
            {
                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                if ((uint)ih >= (uint)g.InH)
                {
                    continue;
                }
                for (int ow = start; ow < end; ow++)
                {
                    _cover[(channel * g.InH + ih) * g.InW + ow * g.StrideW - g.PadLeft + kw * g.DilationW] += nonzero[i];
                }
            }
        }
    }

    /// <summary>Threshold tests per sample: over nonzero weights, the in-bounds activations each meets.</summary>
    public long Tested { get; }

    /// <summary>Output rows per sample that the tests of <see cref="Tested"/> fall in: over nonzero weights, the in-bounds rows each reaches.</summary>
    public long TestedRows { get; }

    /// <summary>Over all nonzero weights of the layer, how many nonzero activations of <paramref name="input"/> (one sample) they meet.</summary>
    public long NonzeroMet(ReadOnlySpan<float> input)
    {
        if (input.Length != _cover.Length)
        {
            throw new ArgumentException($"The layer's input sample has {_cover.Length} values but {input.Length} were given.", nameof(input));
        }
        long met = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float x = ref MemoryMarshal.GetReference(input);
            ref int cover = ref MemoryMarshal.GetArrayDataReference(_cover);
            while (i + Vector256<float>.Count <= input.Length)
            {
                // Lane sums are flushed to the long total often enough that they cannot overflow.
                Vector256<int> sum = Vector256<int>.Zero;
                for (int step = 0; step < FlushEvery && i + Vector256<float>.Count <= input.Length; step++, i += Vector256<float>.Count)
                {
                    Vector256<int> nonzero = ~Vector256.Equals(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256<float>.Zero).AsInt32();
                    sum += nonzero & Vector256.LoadUnsafe(ref cover, (nuint)i);
                }
                met += SumWide(sum);
            }
        }
        for (; i < input.Length; i++)
        {
            met += input[i] != 0f ? _cover[i] : 0;
        }
        return met;
    }

    private static long SumWide(Vector256<int> v)
    {
        (Vector256<long> lower, Vector256<long> upper) = Vector256.Widen(v);
        return Vector256.Sum(lower + upper);
    }
}
