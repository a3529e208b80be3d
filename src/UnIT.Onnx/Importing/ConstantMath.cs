using UnIT.ML.Graph;

namespace UnIT.Onnx.Importing;

/// <summary>Element-wise arithmetic between two constants with numpy broadcasting, for folding.</summary>
internal static class ConstantMath
{
    /// <summary>The broadcast shape of <paramref name="a"/> and <paramref name="b"/>, or null when they do not broadcast.</summary>
    public static long[]? BroadcastDims(long[] a, long[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var dims = new long[rank];
        for (int i = 1; i <= rank; i++)
        {
            long da = i <= a.Length ? a[^i] : 1;
            long db = i <= b.Length ? b[^i] : 1;
            if (da != db && da != 1 && db != 1)
            {
                return null;
            }
            dims[^i] = da == 1 ? db : da;
        }
        return dims;
    }

    /// <summary>
    /// a op b; integer when both are integer (Div truncates). With a run-time operand (the batch size) the
    /// result is still the batch size when the other operand is neutral (b * 1, b + 0, b / 1), else batch-dependent.
    /// </summary>
    public static ConstantTensor Binary(ConstantTensor a, ConstantTensor b, ElementwiseOp op, long[] dims)
    {
        int[] ia = SourceIndices(a.Dims, dims);
        int[] ib = SourceIndices(b.Dims, dims);
        if (a.IsInteger && b.IsInteger)
        {
            long[] va = a.Ints();
            long[] vb = b.Ints();
            var r = new long[ia.Length];
            for (int i = 0; i < r.Length; i++)
            {
                long x = va[ia[i]];
                long y = vb[ib[i]];
                r[i] = ConstantTensor.IsRuntimeEntry(x) || ConstantTensor.IsRuntimeEntry(y) ? RuntimeResult(x, y, op) : op switch
                {
                    ElementwiseOp.Add => x + y,
                    ElementwiseOp.Sub => x - y,
                    ElementwiseOp.Mul => x * y,
                    ElementwiseOp.Max => Math.Max(x, y),
                    ElementwiseOp.Min => Math.Min(x, y),
                    ElementwiseOp.Div => y == 0 ? throw new DivideByZeroException("Integer division by zero in a constant.") : x / y,
                    _ => throw new ArgumentException($"{op} of integer constants is not supported."),
                };
            }
            return ConstantTensor.FromInts(dims, r);
        }
        float[] fa = a.Floats();
        float[] fb = b.Floats();
        var f = new float[ia.Length];
        for (int i = 0; i < f.Length; i++)
        {
            float x = fa[ia[i]];
            float y = fb[ib[i]];
            f[i] = op switch
            {
                ElementwiseOp.Add => x + y,
                ElementwiseOp.Sub => x - y,
                ElementwiseOp.Mul => x * y,
                ElementwiseOp.Max => MathF.Max(x, y),
                ElementwiseOp.Min => MathF.Min(x, y),
                ElementwiseOp.Div => x / y,
                _ => throw new ArgumentException($"{op} of constants is not supported."),
            };
        }
        return ConstantTensor.FromFloats(dims, f);
    }

    /// <summary>For each element of a tensor of shape <paramref name="to"/>, the index of the element of <paramref name="from"/> that broadcasts into it.</summary>
    private static int[] SourceIndices(long[] from, long[] to)
    {
        int rank = to.Length;
        var stride = new long[rank];
        long s = 1;
        for (int i = 1; i <= from.Length; i++)
        {
            stride[^i] = from[^i] == 1 ? 0 : s;
            s *= from[^i];
        }
        var result = new int[checked((int)ConstantTensor.ElementCount(to))];
        var pos = new long[rank];
        for (int n = 0; n < result.Length; n++)
        {
            long idx = 0;
            for (int d = 0; d < rank; d++)
            {
                idx += pos[d] * stride[d];
            }
            result[n] = (int)idx;
            for (int d = rank - 1; d >= 0 && ++pos[d] == to[d]; d--)
            {
                pos[d] = 0;
            }
        }
        return result;
    }

    private static long RuntimeResult(long x, long y, ElementwiseOp op)
    {
        bool neutralRight = x == ConstantTensor.Unknown && (op is ElementwiseOp.Add or ElementwiseOp.Sub ? y == 0 : op is ElementwiseOp.Mul or ElementwiseOp.Div && y == 1);
        bool neutralLeft = y == ConstantTensor.Unknown && (op == ElementwiseOp.Add ? x == 0 : op == ElementwiseOp.Mul && x == 1);
        return neutralRight || neutralLeft ? ConstantTensor.Unknown : ConstantTensor.BatchDependent;
    }
}
