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
    /// <summary>The most inputs whose compensation constants (|c| ≤ 32767) a neuron's int32 sum holds exactly.</summary>
    public const int MaxCompensatedInputs = 65536;

    /// <summary>
    /// Why <paramref name="layer"/>, of <paramref name="inputs"/> inputs, cannot run with int16 skip compensation (more
    /// inputs than <see cref="MaxCompensatedInputs"/>), or null when it can; the engine and the C generator refuse with it.
    /// </summary>
    public static string? CompensationRefusal(string layer, int inputs) => inputs > MaxCompensatedInputs
        ? $"Layer '{layer}' has {inputs} inputs; int16 skip compensation sums at most {MaxCompensatedInputs} constants per neuron exactly in int32."
        : null;

    /// <summary>
    /// Runs one row. <paramref name="thresholds"/> are in the product's Q format (one, or one per neuron);
    /// <paramref name="accumulators"/> is scratch of N entries.
    /// </summary>
    public static void Run(ReadOnlySpan<short> input, ReadOnlySpan<short> weightTransposed, ReadOnlySpan<int> bias,
        ReadOnlySpan<int> thresholds, IDivisionApproximator division, int outputShift, Span<short> output,
        Span<int> accumulators, LayerStatistics? stats) =>
        RunCompensated(input, weightTransposed, bias, thresholds, [], 0, division, outputShift, output, accumulators, stats);

    /// <summary>
    /// <see cref="Run"/> with skip compensation (<see cref="SkipCompensation"/>) when <paramref name="compensationTransposed"/>
    /// is not empty: a MAC the threshold skips adds its weight's constant (<see cref="FixedPointCompensation.Values"/>, the
    /// first [K, N] half for a positive input, the second for a negative one) to its neuron's sum of constants instead of
    /// nothing; after the last input each sum is shifted left by <paramref name="compensationShift"/> into the product's
    /// Q format (saturating) and added (saturating) to the neuron's accumulator. The sum stays exact (|sum| ≤ K · 32767
    /// fits int32 for K ≤ 65536) and shifting once per neuron instead of once per skip is what the MSP430, which shifts a
    /// bit at a time, saves. <paramref name="accumulators"/> then needs 2N entries.
    /// </summary>
    public static void RunCompensated(ReadOnlySpan<short> input, ReadOnlySpan<short> weightTransposed, ReadOnlySpan<int> bias,
        ReadOnlySpan<int> thresholds, ReadOnlySpan<short> compensationTransposed, int compensationShift, IDivisionApproximator division,
        int outputShift, Span<short> output, Span<int> accumulators, LayerStatistics? stats)
    {
        bool compensated = !compensationTransposed.IsEmpty;
        if (compensated && compensationTransposed.Length != 2 * weightTransposed.Length)
        {
            throw new ArgumentException($"Skip compensation needs 2 values per weight ({2 * weightTransposed.Length}), not {compensationTransposed.Length}.",
                nameof(compensationTransposed));
        }
        if (compensated && input.Length > MaxCompensatedInputs)
        {
            throw new ArgumentException($"Skip compensation sums at most {MaxCompensatedInputs} inputs' constants exactly in int32, not {input.Length}.",
                nameof(input));
        }
        int n = output.Length;
        bool perNeuron = thresholds.Length > 1;
        long executed = 0, skippedThreshold = 0, nonzeroInputs = 0;
        var ops = default(DivisionOps);
        Span<int> acc = accumulators[..n];
        Span<int> sums = compensated ? accumulators.Slice(n, n) : [];
        sums.Clear();
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
                        sums[j] += compensationTransposed[(x > 0 ? 0 : weightTransposed.Length) + k * n + j];
                    }
                }
            }
        }
        for (int j = 0; j < n; j++)
        {
            int total = compensated ? FixedPointMath.SaturatingAdd(acc[j], FixedPointMath.SaturatingShiftLeft(sums[j], compensationShift)) : acc[j];
            output[j] = FixedPointMath.Requantize(total, outputShift);
        }
        stats?.AddFullyConnected(input.Length, n, nonzeroInputs, executed, skippedThreshold, ops, perNeuron, compensated);
    }
}
