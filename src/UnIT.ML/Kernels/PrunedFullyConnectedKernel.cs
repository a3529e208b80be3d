using System.Diagnostics;
using System.Runtime.CompilerServices;
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
        // Each input's threshold first: the approximator is an interface call, kept out of the loop below.
        Span<float> limits = nonzeroInputs <= StackLimit ? stackalloc float[nonzeroInputs] : new float[nonzeroInputs];
        for (int i = 0; i < nonzeroInputs; i++)
        {
            limits[i] = division.Threshold(threshold, MathF.Abs(input[nonzero[i]]), ref ops);
        }
        var masks = new Masks(compensated, stats is not null);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        ref float wRef = ref MemoryMarshal.GetReference(weightPadded);
        ref float cRef = ref MemoryMarshal.GetReference(compensationPadded);
        // Two vectors of outputs at a time, each summing its inputs in order in a register: kept in memory, the sums
        // chained a store and a load per input.
        for (int j = 0; j < width; j += 2 * Lanes)
        {
            bool pair = j + Lanes < width;
            Vector256<float> acc0 = Vector256.LoadUnsafe(ref yRef, (nuint)j);
            Vector256<float> acc1 = pair ? Vector256.LoadUnsafe(ref yRef, (nuint)(j + Lanes)) : default;
            Vector256<int> real0 = RealLanes(j, n), real1 = RealLanes(j + Lanes, n);
            for (int i = 0; i < nonzeroInputs; i++)
            {
                int k = nonzero[i];
                float x = input[k];
                var vt = Vector256.Create(limits[i]);
                var vx = Vector256.Create(x);
                nuint row = (nuint)(k * width + j);
                // This input's constants: the positive half's row or the negative half's.
                nuint constants = (nuint)(x > 0f ? 0 : weightPadded.Length) + row;
                acc0 = masks.Add(acc0, vx, vt, ref wRef, ref cRef, row, constants, real0);
                if (pair)
                {
                    acc1 = masks.Add(acc1, vx, vt, ref wRef, ref cRef, row + Lanes, constants + Lanes, real1);
                }
            }
            acc0.StoreUnsafe(ref yRef, (nuint)j);
            if (pair)
            {
                acc1.StoreUnsafe(ref yRef, (nuint)(j + Lanes));
            }
        }
        y[..n].CopyTo(output);
        stats?.AddFullyConnected(input.Length, n, nonzeroInputs, Vector256.Sum(masks.Executed), Vector256.Sum(masks.Skipped), ops, perNeuron: false, compensated);
    }

    /// <summary>The lanes of the vector of outputs starting at <paramref name="j"/> that are real outputs, not padding.</summary>
    private static Vector256<int> RealLanes(int j, int n) => Vector256.LessThan(Vector256.Create(j) + Vector256<int>.Indices, Vector256.Create(n));

    /// <summary>One input's masked update of one vector of outputs, and the counts it adds.</summary>
    private struct Masks(bool compensated, bool counts)
    {
        public Vector256<int> Executed;
        public Vector256<int> Skipped;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Add(Vector256<float> acc, Vector256<float> vx, Vector256<float> vt, ref float wRef, ref float cRef, nuint row, nuint constants, Vector256<int> real)
        {
            Vector256<float> w = Vector256.LoadUnsafe(ref wRef, row);
            Vector256<float> keep = Vector256.GreaterThan(Vector256.Abs(w), vt);
            // The nonzero weights the rule skips (padding lanes hold zero weights): compensated, and counted.
            Vector256<float> skippedNonzero = compensated || counts
                ? Vector256.AndNot(~Vector256.Equals(w, Vector256<float>.Zero), keep)
                : default;
            if (compensated)
            {
                acc = Vector256.ConditionalSelect(skippedNonzero, acc + Vector256.LoadUnsafe(ref cRef, constants), acc);
            }
            if (counts)
            {
                // Padding lanes hold zero weights: never skipped by threshold, kept only by a negative threshold.
                Executed -= keep.AsInt32() & real;
                Skipped -= skippedNonzero.AsInt32();
            }
            // output[j] += x * w where kept: a product, then a sum, each rounded, as the loop in Run.
            return Vector256.ConditionalSelect(keep, acc + vx * w, acc);
        }
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
