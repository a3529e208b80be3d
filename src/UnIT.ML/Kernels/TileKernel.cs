using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace UnIT.ML.Kernels;

/// <summary>
/// The register-blocked micro-kernel behind the fast conv paths (dense and UnIT), on one group of one sample:
/// <c>C[m, p] = bias[m] + sum over r of A[m, r] * B[r, p]</c> with A the weights (M x K), B the im2col matrix
/// (K x N, one row per weight position, one column per output position) and C the output (M x N).
/// <para>
/// Blocking: a tile of 4 output channels x 16 output positions lives in 8 AVX registers for the whole K loop;
/// each step loads 2 vectors of one im2col row and broadcasts 4 weights, so 8 FMAs run per 2 loads. The weights
/// (and thresholds) of a layer are small and stay in L1 across tiles. Every output element still sums its
/// products in r order, one at a time, as the reference does (an FMA rounds once where the reference rounds twice).
/// </para>
/// <para>
/// UnIT modes: the threshold of weight (m, r) is fixed (the weight is the control term), so a MAC runs where
/// <c>|x| &gt; t[m, r]</c>; the kernel ANDs x with that compare mask before the FMA, which adds exactly +0 for a
/// skipped MAC. A zero weight must come with t = +infinity, so its MACs are never counted as executed. With
/// counting on, the true mask lanes (-1 each) are subtracted into a lane counter: one integer op per 8 MACs.
/// </para>
/// </summary>
internal static class TileKernel
{
    private const int Rows = 4;

    /// <summary>Whether the vector tile runs on this CPU (256-bit SIMD); otherwise callers use their portable paths.</summary>
    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    /// <summary>
    /// Computes C for <paramref name="m"/> rows and <paramref name="n"/> columns; returns the MACs executed when
    /// <typeparamref name="TMode"/> counts, else 0. <paramref name="thresholds"/> is laid out as the weights and
    /// ignored in dense mode.
    /// </summary>
    public static long Run<TMode>(int m, int n, int k, ReadOnlySpan<float> weight, ReadOnlySpan<float> thresholds,
        ReadOnlySpan<float> b, ReadOnlySpan<float> bias, int biasOffset, Span<float> c)
        where TMode : struct, IMode
    {
        // Rows past M in the last tile repeat row M - 1 (not stored); in UnIT modes they read +infinity
        // thresholds, so they neither accumulate nor count.
        Span<float> never = TMode.Masks && m % Rows != 0 ? (k <= 2048 ? stackalloc float[k] : new float[k]) : default;
        never.Fill(float.PositiveInfinity);
        long executed = 0;
        for (int i = 0; i < m; i += Rows)
        {
            int valid = Math.Min(Rows, m - i);
            var rowA = new RowRefs(weight, k, i, valid);
            RowRefs rowT = TMode.Masks ? new RowRefs(thresholds, k, i, valid, never) : rowA;
            Vector256<float> b0 = Bias(bias, biasOffset + i, 0, valid), b1 = Bias(bias, biasOffset + i, 1, valid);
            Vector256<float> b2 = Bias(bias, biasOffset + i, 2, valid), b3 = Bias(bias, biasOffset + i, 3, valid);
            int p = 0;
            for (; p + 16 <= n; p += 16)
            {
                executed += Tile16<TMode>(k, n, rowA, rowT, b, p, c, i, valid, b0, b1, b2, b3);
            }
            for (; p < n; p++)
            {
                executed += Column<TMode>(k, n, weight, thresholds, b, bias, biasOffset, p, c, i, valid);
            }
        }
        return executed;
    }

    private static Vector256<float> Bias(ReadOnlySpan<float> bias, int first, int row, int valid) =>
        Vector256.Create(bias.IsEmpty ? 0f : bias[first + Math.Min(row, valid - 1)]);

    private static long Tile16<TMode>(int k, int n, in RowRefs a, in RowRefs t, ReadOnlySpan<float> b, int p, Span<float> c,
        int i, int valid, Vector256<float> c00, Vector256<float> c10, Vector256<float> c20, Vector256<float> c30)
        where TMode : struct, IMode
    {
        Vector256<float> c01 = c00, c11 = c10, c21 = c20, c31 = c30;
        Vector256<int> count0 = Vector256<int>.Zero, count1 = Vector256<int>.Zero;
        ref float bp = ref Unsafe.Add(ref MemoryMarshal.GetReference(b), p);
        for (int r = 0; r < k; r++, bp = ref Unsafe.Add(ref bp, n))
        {
            Vector256<float> x0 = Vector256.LoadUnsafe(ref bp), x1 = Vector256.LoadUnsafe(ref bp, 8);
            Vector256<float> w0 = Vector256.Create(Unsafe.Add(ref a.R0, r)), w1 = Vector256.Create(Unsafe.Add(ref a.R1, r));
            Vector256<float> w2 = Vector256.Create(Unsafe.Add(ref a.R2, r)), w3 = Vector256.Create(Unsafe.Add(ref a.R3, r));
            if (!TMode.Masks)
            {
                c00 = Vector256.FusedMultiplyAdd(x0, w0, c00);
                c01 = Vector256.FusedMultiplyAdd(x1, w0, c01);
                c10 = Vector256.FusedMultiplyAdd(x0, w1, c10);
                c11 = Vector256.FusedMultiplyAdd(x1, w1, c11);
                c20 = Vector256.FusedMultiplyAdd(x0, w2, c20);
                c21 = Vector256.FusedMultiplyAdd(x1, w2, c21);
                c30 = Vector256.FusedMultiplyAdd(x0, w3, c30);
                c31 = Vector256.FusedMultiplyAdd(x1, w3, c31);
                continue;
            }
            Vector256<float> ax0 = Vector256.Abs(x0), ax1 = Vector256.Abs(x1);
            Step<TMode>(x0, x1, ax0, ax1, w0, Vector256.Create(Unsafe.Add(ref t.R0, r)), ref c00, ref c01, ref count0, ref count1);
            Step<TMode>(x0, x1, ax0, ax1, w1, Vector256.Create(Unsafe.Add(ref t.R1, r)), ref c10, ref c11, ref count0, ref count1);
            Step<TMode>(x0, x1, ax0, ax1, w2, Vector256.Create(Unsafe.Add(ref t.R2, r)), ref c20, ref c21, ref count0, ref count1);
            Step<TMode>(x0, x1, ax0, ax1, w3, Vector256.Create(Unsafe.Add(ref t.R3, r)), ref c30, ref c31, ref count0, ref count1);
        }
        Store(c, (i + 0) * n + p, c00, c01);
        if (valid > 1)
        {
            Store(c, (i + 1) * n + p, c10, c11);
        }
        if (valid > 2)
        {
            Store(c, (i + 2) * n + p, c20, c21);
        }
        if (valid > 3)
        {
            Store(c, (i + 3) * n + p, c30, c31);
        }
        return TMode.Counts ? -Vector256.Sum(count0 + count1) : 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TMode>(Vector256<float> x0, Vector256<float> x1, Vector256<float> ax0, Vector256<float> ax1,
        Vector256<float> w, Vector256<float> t, ref Vector256<float> acc0, ref Vector256<float> acc1,
        ref Vector256<int> count0, ref Vector256<int> count1)
        where TMode : struct, IMode
    {
        Vector256<float> keep0 = Vector256.GreaterThan(ax0, t), keep1 = Vector256.GreaterThan(ax1, t);
        acc0 = Vector256.FusedMultiplyAdd(x0 & keep0, w, acc0);
        acc1 = Vector256.FusedMultiplyAdd(x1 & keep1, w, acc1);
        if (TMode.Counts)
        {
            count0 += keep0.AsInt32();
            count1 += keep1.AsInt32();
        }
    }

    private static void Store(Span<float> c, int at, Vector256<float> v0, Vector256<float> v1)
    {
        v0.CopyTo(c.Slice(at, 8));
        v1.CopyTo(c.Slice(at + 8, 8));
    }

    /// <summary>One output column (position) of the tile's valid rows, scalar: the tail where fewer than 16 positions are left.</summary>
    private static long Column<TMode>(int k, int n, ReadOnlySpan<float> weight, ReadOnlySpan<float> thresholds, ReadOnlySpan<float> b,
        ReadOnlySpan<float> bias, int biasOffset, int p, Span<float> c, int i, int valid)
        where TMode : struct, IMode
    {
        long executed = 0;
        for (int row = i; row < i + valid; row++)
        {
            float acc = bias.IsEmpty ? 0f : bias[biasOffset + row];
            for (int r = 0; r < k; r++)
            {
                float x = b[r * n + p];
                if (!TMode.Masks || MathF.Abs(x) > thresholds[row * k + r])
                {
                    acc = MathF.FusedMultiplyAdd(x, weight[row * k + r], acc);
                    executed += TMode.Counts ? 1 : 0;
                }
            }
            c[row * n + p] = acc;
        }
        return executed;
    }

    /// <summary>What the kernel does besides the dense MACs; implemented by empty structs so each mode compiles to its own code.</summary>
    internal interface IMode
    {
        /// <summary>Whether MACs are gated by the thresholds.</summary>
        static abstract bool Masks { get; }

        /// <summary>Whether executed MACs are counted.</summary>
        static abstract bool Counts { get; }
    }

    /// <summary>Every MAC runs.</summary>
    internal struct Dense : IMode
    {
        public static bool Masks => false;

        public static bool Counts => false;
    }

    /// <summary>UnIT skip rule, no counting.</summary>
    internal struct Pruned : IMode
    {
        public static bool Masks => true;

        public static bool Counts => false;
    }

    /// <summary>UnIT skip rule with executed MACs counted.</summary>
    internal struct PrunedCounting : IMode
    {
        public static bool Masks => true;

        public static bool Counts => true;
    }

    /// <summary>The first element of each of the 4 rows of a tile; rows past the valid ones repeat the last (or point at <c>fill</c>).</summary>
    private readonly ref struct RowRefs
    {
        public readonly ref float R0;
        public readonly ref float R1;
        public readonly ref float R2;
        public readonly ref float R3;

        public RowRefs(ReadOnlySpan<float> matrix, int k, int first, int valid, Span<float> fill = default)
        {
            R0 = ref Row(matrix, k, first, 0, valid, fill);
            R1 = ref Row(matrix, k, first, 1, valid, fill);
            R2 = ref Row(matrix, k, first, 2, valid, fill);
            R3 = ref Row(matrix, k, first, 3, valid, fill);
        }

        private static ref float Row(ReadOnlySpan<float> matrix, int k, int first, int row, int valid, Span<float> fill)
        {
            if (row >= valid && !fill.IsEmpty)
            {
                return ref MemoryMarshal.GetReference(fill);
            }
            return ref MemoryMarshal.GetReference(matrix.Slice((first + Math.Min(row, valid - 1)) * k, k));
        }
    }
}
