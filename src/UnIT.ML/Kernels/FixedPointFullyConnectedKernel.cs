using UnIT.ML.Division;
using UnIT.ML.Pruning;

namespace UnIT.ML.Kernels;

/// <summary>
/// UnIT fully connected layer of one row in int16 fixed point (MSP430 emulation). The activation is
/// the control term: its integer threshold comes from the approximator's integer reading, once per
/// nonzero input (once per input and neuron with group-wise thresholds). Only integer operations.
/// </summary>
public static class FixedPointFullyConnectedKernel
{
    /// <summary>
    /// Runs one row. <paramref name="thresholds"/> are in the product's Q format (one, or one per neuron);
    /// <paramref name="accumulators"/> is scratch of N entries.
    /// </summary>
    public static void Run(ReadOnlySpan<short> input, ReadOnlySpan<short> weightTransposed, ReadOnlySpan<int> bias,
        ReadOnlySpan<int> thresholds, IDivisionApproximator division, int outputShift, Span<short> output,
        Span<int> accumulators, LayerStatistics? stats) =>
        RunCompensated(input, weightTransposed, bias, thresholds, [], division, outputShift, output, accumulators, stats);

    /// <summary>
    /// <see cref="Run"/> with skip compensation (<see cref="SkipCompensation"/>) when <paramref name="compensationTransposed"/>
    /// is not empty: a MAC the threshold skips adds (saturating) its weight's constant in the product's Q format instead of
    /// nothing, from the first [K, N] half for a positive input and from the second for a negative one.
    /// </summary>
    public static void RunCompensated(ReadOnlySpan<short> input, ReadOnlySpan<short> weightTransposed, ReadOnlySpan<int> bias,
        ReadOnlySpan<int> thresholds, ReadOnlySpan<int> compensationTransposed, IDivisionApproximator division, int outputShift,
        Span<short> output, Span<int> accumulators, LayerStatistics? stats)
    {
        bool compensated = !compensationTransposed.IsEmpty;
        if (compensated && compensationTransposed.Length != 2 * weightTransposed.Length)
        {
            throw new ArgumentException($"Skip compensation needs 2 values per weight ({2 * weightTransposed.Length}), not {compensationTransposed.Length}.",
                nameof(compensationTransposed));
        }
        int n = output.Length;
        bool perNeuron = thresholds.Length > 1;
        long executed = 0, skippedThreshold = 0, nonzeroInputs = 0;
        var ops = default(DivisionOps);
        Span<int> acc = accumulators[..n];
        if (bias.IsEmpty)
        {
            acc.Clear();
        }
        else
        {
            bias.CopyTo(acc);
        }
        for (int k = 0; k < input.Length; k++)
        {
            int x = input[k];
            if (x == 0)
            {
                continue;
            }
            nonzeroInputs++;
            int ax = Math.Abs(x);
            int t = perNeuron ? 0 : division.Threshold(thresholds[0], ax, ref ops);
            ReadOnlySpan<short> row = weightTransposed.Slice(k * n, n);
            for (int j = 0; j < n; j++)
            {
                int w = row[j];
                if (perNeuron)
                {
                    t = division.Threshold(thresholds[j], ax, ref ops);
                }
                if (Math.Abs(w) > t)
                {
                    acc[j] = FixedPointMath.SaturatingAdd(acc[j], x * w);
                    executed++;
                }
                else if (w != 0)
                {
                    skippedThreshold++;
                    if (compensated)
                    {
                        acc[j] = FixedPointMath.SaturatingAdd(acc[j], compensationTransposed[(x > 0 ? 0 : weightTransposed.Length) + k * n + j]);
                    }
                }
            }
        }
        for (int j = 0; j < n; j++)
        {
            output[j] = FixedPointMath.Requantize(acc[j], outputShift);
        }
        stats?.AddFullyConnected(input.Length, n, nonzeroInputs, executed, skippedThreshold, ops, compensated);
        if (perNeuron)
        {
            stats?.AddGroupedRow(nonzeroInputs, n);
        }
    }
}
