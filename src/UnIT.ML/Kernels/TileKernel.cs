using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace UnIT.ML.Kernels;

/// <summary>
/// The register-blocked micro-kernel behind the fast conv paths (dense and UnIT), on one group of one sample:
/// <c>C[m, p] = bias[m] + sum over r of A[m, r] * B[r, p]</c> with A the weights (M x K), B the activations each
/// weight position r meets at output position p (K x N) and C the output (M x N).
/// <para>
/// B is never materialized by the kernel: an <see cref="Operand"/> says where element (r, p) lives, namely at
/// <c>RowOffsets[r] + line * InLineStride + column</c> for the output position p = line * LineLength + column. An
/// im2col matrix is one line with row offsets r * N; a direct convolution (stride 1 in width) reads the
/// (zero-padded) input planes themselves, with row offset channel * plane + kh * dilation * width + kw * dilation
/// and one line per output row, so the copy im2col makes (and reads back) is not needed.
/// </para>
/// <para>
/// Blocking: a tile of up to 4 output channels x 2 vectors of 8 output positions (each vector 8 consecutive positions of
/// one line; the two may lie on different lines) lives in 8 AVX registers for the whole K loop; each step loads the
/// 2 activation vectors and broadcasts 4 weights, so 8 FMAs run per 2 loads. The weights (and thresholds) of a
/// layer are small and stay in L1 across tiles. Positions past a line's last full vector run one at a time. Every
/// output element still sums its products in r order, one at a time, as the reference does (an FMA rounds once
/// where the reference rounds twice), whatever the operand's layout.
/// </para>
/// <para>
/// UnIT modes: the threshold of weight (m, r) is fixed (the weight is the control term), so a MAC runs where
/// <c>|x| &gt; t[m, r]</c>; the kernel keeps the FMA's result only in the lanes of that compare mask (a blend off the
/// accumulator's critical path, which also frees registers). The older form ANDs x with the mask before the FMA,
/// adding <c>(+0) * w</c> for a skipped MAC; the two differ only where the accumulator is -0, which happens only while
/// it still holds a bias of -0, so a layer with a -0 bias runs the AND form (<see cref="IMode.Blends"/> false) and
/// every result stays bit-identical to it. A zero weight must come with t = +infinity, so its MACs are never counted
/// as executed. With counting on, the true mask lanes (-1 each) are subtracted into a lane counter: one integer op
/// per 8 MACs.
/// </para>
/// <para>
/// Skip compensation (<see cref="IMode.Compensates"/>): a nonzero activation the rule skips adds its weight's constant
/// for the activation's sign instead (<c>positive[m, r]</c> or <c>negative[m, r]</c>, laid out as the weights), in the
/// same r order, so each output element sees the same sequence of FMAs and adds as a row-by-row loop would.
/// </para>
/// </summary>
internal static class TileKernel
{
    /// <summary>Positions per vector.</summary>
    public const int Lanes = 8;

    private const int Rows = 4;

    /// <summary>Whether the vector tile runs on this CPU (256-bit SIMD); otherwise callers use their portable paths.</summary>
    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    /// <summary>
    /// Computes C for <paramref name="m"/> rows and <paramref name="k"/> weight positions over the output positions of
    /// <paramref name="b"/>; returns the MACs executed when <typeparamref name="TMode"/> counts, else 0.
    /// <paramref name="thresholds"/> is laid out as the weights and ignored in dense mode. C holds one plane of
    /// <c>b.Lines * b.LineLength</c> positions per row.
    /// </summary>
    public static long Run<TMode>(int m, int k, ReadOnlySpan<float> weight, ReadOnlySpan<float> thresholds,
        in Operand b, ReadOnlySpan<float> bias, int biasOffset, Span<float> c, in Compensation compensation = default)
        where TMode : struct, IMode
    {
        int n = b.Lines * b.LineLength;
        int perLine = b.LineLength / Lanes;
        long executed = 0;
        for (int i = 0; i < m; i += Rows)
        {
            int valid = Math.Min(Rows, m - i);
            var rowA = new RowRefs(weight, k, i, valid);
            RowRefs rowT = TMode.Masks ? new RowRefs(thresholds, k, i, valid) : rowA;
            RowRefs rowP = TMode.Compensates ? new RowRefs(compensation.Positive, k, i, valid) : rowA;
            RowRefs rowN = TMode.Compensates ? new RowRefs(compensation.Negative, k, i, valid) : rowA;
            var tile = new Tile(k, n, i, valid, bias.IsEmpty ? default : bias.Slice(biasOffset + i, valid));
            // The last tile of M rows not a multiple of 4 computes only its real rows (conv1 of a 6-channel layer would
            // otherwise waste a quarter of its work).
            executed += valid switch
            {
                4 => Vectors<TMode, Four>(tile, rowA, rowT, rowP, rowN, b, c),
                3 => Vectors<TMode, Three>(tile, rowA, rowT, rowP, rowN, b, c),
                2 => Vectors<TMode, Two>(tile, rowA, rowT, rowP, rowN, b, c),
                _ => Vectors<TMode, One>(tile, rowA, rowT, rowP, rowN, b, c),
            };
            for (int line = 0; perLine * Lanes < b.LineLength && line < b.Lines; line++)
            {
                for (int column = perLine * Lanes; column < b.LineLength; column++)
                {
                    executed += Column<TMode>(tile, weight, thresholds, compensation, b, (line * b.InLineStride + column, line * b.LineLength + column), bias, biasOffset, c);
                }
            }
        }
        return executed;
    }

    /// <summary>Every full vector of the operand, two at a time, for one tile of <typeparamref name="TRows"/> rows.</summary>
    private static long Vectors<TMode, TRows>(in Tile tile, in RowRefs a, in RowRefs t, in RowRefs p, in RowRefs n, in Operand b, Span<float> c)
        where TMode : struct, IMode
        where TRows : struct, IRows
    {
        int perLine = b.LineLength / Lanes;
        int vectors = b.Lines * perLine;
        long executed = 0;
        for (int v = 0; v < vectors; v += 2)
        {
            // An odd last vector pairs with itself; its second copy is neither stored twice nor counted twice.
            int second = Math.Min(v + 1, vectors - 1);
            executed += Tile16<TMode, TRows>(tile, a, t, p, n, b, b.At(v, perLine), b.At(second, perLine), second == v, c);
        }
        return executed;
    }

    private static long Tile16<TMode, TRows>(in Tile tile, in RowRefs a, in RowRefs t, in RowRefs p, in RowRefs n, in Operand b,
        (int In, int Out) first, (int In, int Out) second, bool single, Span<float> c)
        where TMode : struct, IMode
        where TRows : struct, IRows
    {
        Vector256<float> c00 = tile.Bias(0), c10 = tile.Bias(1), c20 = tile.Bias(2), c30 = tile.Bias(3);
        Vector256<float> c01 = c00, c11 = c10, c21 = c20, c31 = c30;
        Vector256<int> count = Vector256<int>.Zero;
        ref float data = ref MemoryMarshal.GetReference(b.Data);
        ref float b0 = ref Unsafe.Add(ref data, first.In), b1 = ref Unsafe.Add(ref data, second.In);
        ref int offsets = ref MemoryMarshal.GetReference(b.RowOffsets);
        // Row starts as locals: read through the `in` structs, the JIT reloads each of them on every step.
        ref float a0 = ref a.R0, a1 = ref a.R1, a2 = ref a.R2, a3 = ref a.R3;
        ref float t0 = ref t.R0, t1 = ref t.R1, t2 = ref t.R2, t3 = ref t.R3;
        int k = tile.K;
        for (int r = 0; r < k; r++)
        {
            nint at = Unsafe.Add(ref offsets, r);
            Vector256<float> x0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref b0, at)), x1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref b1, at));
            if (!TMode.Masks)
            {
                // Rows past TRows are dropped at JIT time (TRows.Count is a constant of each instantiation).
                Vector256<float> w0 = Vector256.Create(Unsafe.Add(ref a0, r));
                Vector256<float> w1 = TRows.Count > 1 ? Vector256.Create(Unsafe.Add(ref a1, r)) : default;
                Vector256<float> w2 = TRows.Count > 2 ? Vector256.Create(Unsafe.Add(ref a2, r)) : default;
                Vector256<float> w3 = TRows.Count > 3 ? Vector256.Create(Unsafe.Add(ref a3, r)) : default;
                c00 = Vector256.FusedMultiplyAdd(x0, w0, c00);
                c01 = Vector256.FusedMultiplyAdd(x1, w0, c01);
                if (TRows.Count > 1)
                {
                    c10 = Vector256.FusedMultiplyAdd(x0, w1, c10);
                    c11 = Vector256.FusedMultiplyAdd(x1, w1, c11);
                }
                if (TRows.Count > 2)
                {
                    c20 = Vector256.FusedMultiplyAdd(x0, w2, c20);
                    c21 = Vector256.FusedMultiplyAdd(x1, w2, c21);
                }
                if (TRows.Count > 3)
                {
                    c30 = Vector256.FusedMultiplyAdd(x0, w3, c30);
                    c31 = Vector256.FusedMultiplyAdd(x1, w3, c31);
                }
                continue;
            }
            Vector256<float> ax0 = Vector256.Abs(x0), ax1 = Vector256.Abs(x1);
            // Compensation's sign masks are the same for every row of the tile.
            var signs = TMode.Compensates ? new Signs(x0, x1, ax0, ax1) : default;
            // The weight and threshold are broadcast at the step that uses them (held across the steps, they spilled), and
            // the constants' rows are not even addressed without compensation (each address costs a null check per step).
            Step<TMode>(x0, x1, ax0, ax1, Vector256.Create(Unsafe.Add(ref a0, r)), Vector256.Create(Unsafe.Add(ref t0, r)), TMode.Compensates ? Constants(ref p.R0, ref n.R0, r) : default, signs, ref c00, ref c01, ref count);
            if (TRows.Count > 1)
            {
                Step<TMode>(x0, x1, ax0, ax1, Vector256.Create(Unsafe.Add(ref a1, r)), Vector256.Create(Unsafe.Add(ref t1, r)), TMode.Compensates ? Constants(ref p.R1, ref n.R1, r) : default, signs, ref c10, ref c11, ref count);
            }
            if (TRows.Count > 2)
            {
                Step<TMode>(x0, x1, ax0, ax1, Vector256.Create(Unsafe.Add(ref a2, r)), Vector256.Create(Unsafe.Add(ref t2, r)), TMode.Compensates ? Constants(ref p.R2, ref n.R2, r) : default, signs, ref c20, ref c21, ref count);
            }
            if (TRows.Count > 3)
            {
                Step<TMode>(x0, x1, ax0, ax1, Vector256.Create(Unsafe.Add(ref a3, r)), Vector256.Create(Unsafe.Add(ref t3, r)), TMode.Compensates ? Constants(ref p.R3, ref n.R3, r) : default, signs, ref c30, ref c31, ref count);
            }
        }
        tile.Store(c, 0, first.Out, second.Out, c00, c01);
        tile.Store(c, 1, first.Out, second.Out, c10, c11);
        tile.Store(c, 2, first.Out, second.Out, c20, c21);
        tile.Store(c, 3, first.Out, second.Out, c30, c31);
        // A vector paired with itself has equal masks in both halves: it was counted exactly twice.
        return TMode.Counts ? -Vector256.Sum(count) >> (single ? 1 : 0) : 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TMode>(Vector256<float> x0, Vector256<float> x1, Vector256<float> ax0, Vector256<float> ax1,
        Vector256<float> w, Vector256<float> t, (Vector256<float> Positive, Vector256<float> Negative) constants, in Signs signs,
        ref Vector256<float> acc0, ref Vector256<float> acc1, ref Vector256<int> count)
        where TMode : struct, IMode
    {
        Vector256<float> keep0 = Vector256.GreaterThan(ax0, t), keep1 = Vector256.GreaterThan(ax1, t);
        if (TMode.Blends)
        {
            acc0 = Vector256.ConditionalSelect(keep0, Vector256.FusedMultiplyAdd(x0, w, acc0), acc0);
            acc1 = Vector256.ConditionalSelect(keep1, Vector256.FusedMultiplyAdd(x1, w, acc1), acc1);
        }
        else
        {
            acc0 = Vector256.FusedMultiplyAdd(x0 & keep0, w, acc0);
            acc1 = Vector256.FusedMultiplyAdd(x1 & keep1, w, acc1);
        }
        if (TMode.Compensates)
        {
            // A nonzero activation that did not run adds its weight's constant for its sign.
            acc0 = Vector256.ConditionalSelect(Vector256.AndNot(signs.Nonzero0, keep0),
                acc0 + Vector256.ConditionalSelect(signs.Positive0, constants.Positive, constants.Negative), acc0);
            acc1 = Vector256.ConditionalSelect(Vector256.AndNot(signs.Nonzero1, keep1),
                acc1 + Vector256.ConditionalSelect(signs.Positive1, constants.Positive, constants.Negative), acc1);
        }
        if (TMode.Counts)
        {
            count += keep0.AsInt32() + keep1.AsInt32();
        }
    }

    /// <summary>Weight position r's two constants of a tile row, broadcast (called only by compensating modes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>) Constants(ref float positive, ref float negative, int r) =>
        (Vector256.Create(Unsafe.Add(ref positive, r)), Vector256.Create(Unsafe.Add(ref negative, r)));

    /// <summary>Which lanes of the two activation vectors are nonzero and which positive.</summary>
    private readonly struct Signs(Vector256<float> x0, Vector256<float> x1, Vector256<float> ax0, Vector256<float> ax1)
    {
        public readonly Vector256<float> Nonzero0 = Vector256.GreaterThan(ax0, Vector256<float>.Zero);
        public readonly Vector256<float> Nonzero1 = Vector256.GreaterThan(ax1, Vector256<float>.Zero);
        public readonly Vector256<float> Positive0 = Vector256.GreaterThan(x0, Vector256<float>.Zero);
        public readonly Vector256<float> Positive1 = Vector256.GreaterThan(x1, Vector256<float>.Zero);
    }

    /// <summary>One output position (input offset, output offset) of the tile's valid rows, scalar: the tail of a line shorter than a vector.</summary>
    private static long Column<TMode>(in Tile tile, ReadOnlySpan<float> weight, ReadOnlySpan<float> thresholds, in Compensation compensation, in Operand b,
        (int In, int Out) position, ReadOnlySpan<float> bias, int biasOffset, Span<float> c)
        where TMode : struct, IMode
    {
        long executed = 0;
        int k = tile.K;
        for (int row = tile.First; row < tile.First + tile.Valid; row++)
        {
            float acc = bias.IsEmpty ? 0f : bias[biasOffset + row];
            for (int r = 0; r < k; r++)
            {
                float x = b.Data[position.In + b.RowOffsets[r]];
                if (!TMode.Masks || MathF.Abs(x) > thresholds[row * k + r])
                {
                    acc = MathF.FusedMultiplyAdd(x, weight[row * k + r], acc);
                    executed += TMode.Counts ? 1 : 0;
                }
                else if (TMode.Compensates && x != 0f)
                {
                    acc += x > 0f ? compensation.Positive[row * k + r] : compensation.Negative[row * k + r];
                }
            }
            c[row * tile.N + position.Out] = acc;
        }
        return executed;
    }

    /// <summary>
    /// Where B lives: element (r, p) of output position p = line * <see cref="LineLength"/> + column is
    /// <c>Data[RowOffsets[r] + line * InLineStride + column]</c>. Every full vector of a line must lie inside
    /// <see cref="Data"/> for every row offset.
    /// </summary>
    internal readonly ref struct Operand(ReadOnlySpan<float> data, ReadOnlySpan<int> rowOffsets, int lines, int lineLength, int inLineStride)
    {
        /// <summary>The activations.</summary>
        public readonly ReadOnlySpan<float> Data = data;

        /// <summary>Per weight position r, where its activation of output position 0 lies in <see cref="Data"/>.</summary>
        public readonly ReadOnlySpan<int> RowOffsets = rowOffsets;

        /// <summary>Lines of output positions (output rows of a direct convolution; 1 for an im2col matrix).</summary>
        public readonly int Lines = lines;

        /// <summary>Output positions per line.</summary>
        public readonly int LineLength = lineLength;

        /// <summary>How far apart consecutive lines start in <see cref="Data"/>.</summary>
        public readonly int InLineStride = inLineStride;

        /// <summary>The input and output offsets of full vector <paramref name="v"/> (vectors counted line by line).</summary>
        public (int In, int Out) At(int v, int perLine)
        {
            int line = v / perLine, column = v % perLine * Lanes;
            return (line * InLineStride + column, line * LineLength + column);
        }
    }

    /// <summary>A skipped MAC's constants, laid out as the weights: for a positive activation and for a negative one.</summary>
    internal readonly ref struct Compensation(ReadOnlySpan<float> positive, ReadOnlySpan<float> negative)
    {
        public readonly ReadOnlySpan<float> Positive = positive;
        public readonly ReadOnlySpan<float> Negative = negative;
    }

    /// <summary>The fixed facts of one 4-row tile: sizes, which rows are real, and their biases.</summary>
    private readonly ref struct Tile(int k, int n, int first, int valid, ReadOnlySpan<float> bias)
    {
        public readonly int K = k;
        public readonly int N = n;
        public readonly int First = first;
        public readonly int Valid = valid;
        private readonly ReadOnlySpan<float> _bias = bias;

        /// <summary>The starting accumulator of tile row <paramref name="row"/> (rows past the valid ones repeat the last).</summary>
        public Vector256<float> Bias(int row) => Vector256.Create(_bias.IsEmpty ? 0f : _bias[Math.Min(row, Valid - 1)]);

        /// <summary>Stores tile row <paramref name="row"/> when it is a real row.</summary>
        public void Store(Span<float> c, int row, int first, int second, Vector256<float> v0, Vector256<float> v1)
        {
            if (row < Valid)
            {
                int at = (First + row) * N;
                v0.CopyTo(c.Slice(at + first, Lanes));
                v1.CopyTo(c.Slice(at + second, Lanes));
            }
        }
    }

    /// <summary>What the kernel does besides the dense MACs; implemented by empty structs so each mode compiles to its own code.</summary>
    internal interface IMode
    {
        /// <summary>Whether MACs are gated by the thresholds.</summary>
        static abstract bool Masks { get; }

        /// <summary>Whether executed MACs are counted.</summary>
        static abstract bool Counts { get; }

        /// <summary>Whether masked MACs blend the FMA result into the accumulator (else x is ANDed with the mask).</summary>
        static abstract bool Blends { get; }

        /// <summary>Whether a nonzero activation the rule skips adds its weight's constant (skip compensation).</summary>
        static virtual bool Compensates => false;
    }

    /// <summary>Every MAC runs.</summary>
    internal struct Dense : IMode
    {
        public static bool Masks => false;

        public static bool Counts => false;

        public static bool Blends => false;
    }

    /// <summary>UnIT skip rule, no counting.</summary>
    internal struct Pruned : IMode
    {
        public static bool Masks => true;

        public static bool Counts => false;

        public static bool Blends => true;
    }

    /// <summary>UnIT skip rule with executed MACs counted.</summary>
    internal struct PrunedCounting : IMode
    {
        public static bool Masks => true;

        public static bool Counts => true;

        public static bool Blends => true;
    }

    /// <summary>UnIT skip rule in the AND form (for a -0 bias), no counting.</summary>
    internal struct PrunedAnd : IMode
    {
        public static bool Masks => true;

        public static bool Counts => false;

        public static bool Blends => false;
    }

    /// <summary>UnIT skip rule in the AND form (for a -0 bias) with executed MACs counted.</summary>
    internal struct PrunedAndCounting : IMode
    {
        public static bool Masks => true;

        public static bool Counts => true;

        public static bool Blends => false;
    }

    /// <summary>UnIT skip rule with skip compensation, no counting.</summary>
    internal struct Compensated : IMode
    {
        public static bool Masks => true;

        public static bool Counts => false;

        public static bool Blends => true;

        public static bool Compensates => true;
    }

    /// <summary>UnIT skip rule with skip compensation and executed MACs counted.</summary>
    internal struct CompensatedCounting : IMode
    {
        public static bool Masks => true;

        public static bool Counts => true;

        public static bool Blends => true;

        public static bool Compensates => true;
    }

    /// <summary>How many rows a tile computes; implemented by empty structs so each count compiles to its own code.</summary>
    internal interface IRows
    {
        /// <summary>Rows, 1 to 4.</summary>
        static abstract int Count { get; }
    }

    private struct One : IRows
    {
        public static int Count => 1;
    }

    private struct Two : IRows
    {
        public static int Count => 2;
    }

    private struct Three : IRows
    {
        public static int Count => 3;
    }

    private struct Four : IRows
    {
        public static int Count => 4;
    }

    /// <summary>The first element of each of the 4 rows of a tile; rows past the valid ones repeat the last (and are not computed).</summary>
    private readonly ref struct RowRefs
    {
        public readonly ref float R0;
        public readonly ref float R1;
        public readonly ref float R2;
        public readonly ref float R3;

        public RowRefs(ReadOnlySpan<float> matrix, int k, int first, int valid)
        {
            R0 = ref Row(matrix, k, first, 0, valid);
            R1 = ref Row(matrix, k, first, 1, valid);
            R2 = ref Row(matrix, k, first, 2, valid);
            R3 = ref Row(matrix, k, first, 3, valid);
        }

        private static ref float Row(ReadOnlySpan<float> matrix, int k, int first, int row, int valid) =>
            ref MemoryMarshal.GetReference(matrix.Slice((first + Math.Min(row, valid - 1)) * k, k));
    }
}
