using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using UnIT.ML.Division;
using UnIT.ML.Pruning;

namespace UnIT.ML.Kernels;

/// <summary>
/// UnIT fully connected layer of one float32 row. The activation is the control term: for each
/// nonzero input x[k] the threshold <c>t(T, |x[k]|)</c> is computed once and reused for all N
/// weights it meets (with group-wise thresholds, once per output neuron instead); a MAC runs only
/// when <c>|w| &gt; t</c>. Weights are read transposed, [K, N], so one input's weights are contiguous.
/// <para>
/// With one layer threshold, <see cref="RunMasked"/> runs each nonzero input's row 8 outputs at a time: compare
/// |w| with the input's threshold, multiply, add, and keep the sum only in the kept lanes; counts come from the
/// same masks. No branch depends on the data (the skip test of <see cref="Run"/> mispredicts about every other
/// weight, which cost more than the MACs). Every output still receives its products in input order with the same
/// arithmetic, so results and counts equal <see cref="Run"/>'s. (Sorting each input's weights by |w| so the kept
/// ones form a prefix was tried: on layers as narrow as 10 outputs its bisection and variable-length loop were slower.)
/// </para>
/// </summary>
public static class PrunedFullyConnectedKernel
{
    private const int StackLimit = 4096;
    private const int Lanes = 8;

    /// <summary>
    /// Runs one row. <paramref name="thresholds"/> holds one layer threshold or one per output neuron.
    /// Counts and division operations are added to <paramref name="stats"/> when it is not null.
    /// </summary>
    public static void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> weightTransposed, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> thresholds, IDivisionApproximator division, Span<float> output, LayerStatistics? stats) =>
        RunCompensated(input, weightTransposed, bias, thresholds, [], division, output, stats);

    /// <summary>
    /// <see cref="Run"/> with skip compensation (<see cref="SkipCompensation"/>) when <paramref name="compensationTransposed"/>
    /// is not empty: a MAC the threshold skips adds its weight's constant instead of nothing, from the first [K, N] half
    /// for a positive input and from the second for a negative one.
    /// </summary>
    public static void RunCompensated(ReadOnlySpan<float> input, ReadOnlySpan<float> weightTransposed, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> thresholds, ReadOnlySpan<float> compensationTransposed, IDivisionApproximator division, Span<float> output, LayerStatistics? stats)
    {
        bool compensated = !compensationTransposed.IsEmpty;
        if (compensated && compensationTransposed.Length != 2 * weightTransposed.Length)
        {
            throw new ArgumentException($"Skip compensation needs 2 values per weight ({2 * weightTransposed.Length}), not {compensationTransposed.Length}.",
                nameof(compensationTransposed));
        }
        int n = output.Length;
        bool perNeuron = thresholds.Length > 1;
        float layerT = thresholds[0];
        long executed = 0, skippedThreshold = 0, nonzeroInputs = 0;
        var ops = default(DivisionOps);
        if (bias.IsEmpty)
        {
            output.Clear();
        }
        else
        {
            bias.CopyTo(output);
        }
        for (int k = 0; k < input.Length; k++)
        {
            float x = input[k];
            if (x == 0f)
            {
                continue;
            }
            nonzeroInputs++;
            float ax = MathF.Abs(x);
            float t = perNeuron ? 0f : division.Threshold(layerT, ax, ref ops);
            ReadOnlySpan<float> row = weightTransposed.Slice(k * n, n);
            for (int j = 0; j < n; j++)
            {
                float w = row[j];
                if (perNeuron)
                {
                    t = division.Threshold(thresholds[j], ax, ref ops);
                }
                if (MathF.Abs(w) > t)
                {
                    output[j] += x * w;
                    executed++;
                }
                else if (w != 0f)
                {
                    skippedThreshold++;
                    if (compensated)
                    {
                        output[j] += compensationTransposed[(x > 0f ? 0 : weightTransposed.Length) + k * n + j];
                    }
                }
            }
        }
        stats?.AddFullyConnected(input.Length, n, nonzeroInputs, executed, skippedThreshold, ops, perNeuron, compensated);
    }

    /// <summary>
    /// <see cref="RunCompensated"/> with one layer threshold <paramref name="threshold"/>, vectorized: the same outputs and counts.
    /// <paramref name="weightPadded"/> is the transposed weight matrix with each input's row padded with zeros to
    /// <see cref="PaddedWidth"/> of the outputs; <paramref name="compensationPadded"/>, when not empty, the two halves of the
    /// transposed constants padded the same way, one after the other.
    /// </summary>
    internal static void RunMasked(ReadOnlySpan<float> input, ReadOnlySpan<float> weightPadded, ReadOnlySpan<float> bias,
        float threshold, IDivisionApproximator division, Span<float> output, LayerStatistics? stats, ReadOnlySpan<float> compensationPadded = default)
    {
        int n = output.Length, width = PaddedWidth(n);
        bool compensated = !compensationPadded.IsEmpty;
        Debug.Assert(weightPadded.Length == input.Length * width);
        Debug.Assert(!compensated || compensationPadded.Length == 2 * weightPadded.Length);
        var ops = default(DivisionOps);
        Span<float> y = width <= StackLimit ? stackalloc float[width] : new float[width];
        y.Clear();
        if (!bias.IsEmpty)
        {
            bias.CopyTo(y);
        }
        // The nonzero inputs first, without a branch per input (zeros come at random, so such a branch mispredicts).
        Span<int> nonzero = input.Length <= StackLimit ? stackalloc int[input.Length] : new int[input.Length];
        int nonzeroInputs = 0;
        for (int k = 0; k < input.Length; k++)
        {
            nonzero[nonzeroInputs] = k;
            nonzeroInputs += input[k] != 0f ? 1 : 0;
        }
        Vector256<int> executed = Vector256<int>.Zero, skipped = Vector256<int>.Zero;
        ref float yRef = ref MemoryMarshal.GetReference(y);
        ref float wRef = ref MemoryMarshal.GetReference(weightPadded);
        ref float cRef = ref MemoryMarshal.GetReference(compensationPadded);
        foreach (int k in nonzero[..nonzeroInputs])
        {
            float x = input[k];
            var vt = Vector256.Create(division.Threshold(threshold, MathF.Abs(x), ref ops));
            var vx = Vector256.Create(x);
            // This input's constants: the positive half's row or the negative half's.
            nuint constants = (nuint)((x > 0f ? 0 : weightPadded.Length) + k * width);
            for (int j = 0; j < width; j += Lanes)
            {
                Vector256<float> w = Vector256.LoadUnsafe(ref wRef, (nuint)(k * width + j));
                Vector256<float> keep = Vector256.GreaterThan(Vector256.Abs(w), vt);
                Vector256<float> acc = Vector256.LoadUnsafe(ref yRef, (nuint)j);
                // The nonzero weights the rule skips (padding lanes hold zero weights): compensated, and counted.
                Vector256<float> skippedNonzero = compensated || stats is not null
                    ? Vector256.AndNot(~Vector256.Equals(w, Vector256<float>.Zero), keep)
                    : default;
                if (compensated)
                {
                    acc = Vector256.ConditionalSelect(skippedNonzero, acc + Vector256.LoadUnsafe(ref cRef, constants + (nuint)j), acc);
                }
                // output[j] += x * w where kept: a product, then a sum, each rounded, as the loop in Run.
                Vector256.ConditionalSelect(keep, acc + vx * w, acc).StoreUnsafe(ref yRef, (nuint)j);
                if (stats is not null)
                {
                    // Padding lanes hold zero weights: never skipped by threshold, kept only by a negative threshold.
                    executed -= j + Lanes <= n ? keep.AsInt32() : keep.AsInt32() & Vector256.LessThan(Vector256.Create(j) + Vector256<int>.Indices, Vector256.Create(n));
                    skipped -= skippedNonzero.AsInt32();
                }
            }
        }
        y[..n].CopyTo(output);
        stats?.AddFullyConnected(input.Length, n, nonzeroInputs, Vector256.Sum(executed), Vector256.Sum(skipped), ops, perNeuron: false, compensated);
    }

    /// <summary>The outputs rounded up to whole vectors: the row width <see cref="RunMasked"/> expects.</summary>
    internal static int PaddedWidth(int outputs) => (outputs + Lanes - 1) / Lanes * Lanes;

    /// <summary>Each of the <paramref name="rows"/> rows of <paramref name="matrix"/> ([rows, cols]), zero-padded to <see cref="PaddedWidth"/>.</summary>
    internal static float[] Padded(float[] matrix, int rows, int cols)
    {
        int width = PaddedWidth(cols);
        var padded = new float[rows * width];
        for (int r = 0; r < rows; r++)
        {
            matrix.AsSpan(r * cols, cols).CopyTo(padded.AsSpan(r * width));
        }
        return padded;
    }
}
