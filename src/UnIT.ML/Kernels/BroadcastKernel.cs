using UnIT.ML.Graph;
using UnIT.ML.Graph.Ops;

namespace UnIT.ML.Kernels;

/// <summary>Arithmetic between two run-time values of one sample, broadcast by numpy rules.</summary>
internal static class BroadcastKernel
{
    /// <summary>
    /// Computes every output element in double and rounds once: to float32 (which gives exactly the
    /// float32 result, since double carries more than twice float's precision) or, in fixed point,
    /// onto the output's Q format straight from the exact sum or product of the two Q values.
    /// </summary>
    public static void Run(BinaryNode node, NodeRun run)
    {
        Shape outShape = run.OutputShape;
        int rank = outShape.Rank;
        int[] aStride = Strides(run.InputShapes[0], outShape);
        int[] bStride = Strides(run.InputShapes[1], outShape);
        float[] a = run.Inputs[0], b = run.Inputs[1], y = run.Output;
        Func<double, float> round = run.RoundExact ?? (v => (float)v);
        ElementwiseOp op = node.Op;
        var index = new int[rank];
        int ai = 0, bi = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double l = a[ai], r = b[bi];
            y[i] = round(op switch
            {
                ElementwiseOp.Add => l + r,
                ElementwiseOp.Sub => l - r,
                ElementwiseOp.Mul => l * r,
                ElementwiseOp.Max => Math.Max(l, r),
                ElementwiseOp.Min => Math.Min(l, r),
                _ => l / r,
            });
            // Odometer over the output's axes, moving both operands' offsets.
            for (int ax = rank - 1; ax >= 0; ax--)
            {
                index[ax]++;
                ai += aStride[ax];
                bi += bStride[ax];
                if (index[ax] < outShape[ax])
                {
                    break;
                }
                ai -= aStride[ax] * index[ax];
                bi -= bStride[ax] * index[ax];
                index[ax] = 0;
            }
        }
    }

    /// <summary>The stride of each output axis within an operand of shape <paramref name="shape"/> (same rank): 0 where it broadcasts.</summary>
    private static int[] Strides(Shape shape, Shape outShape)
    {
        var strides = new int[outShape.Rank];
        int stride = 1;
        for (int ax = shape.Rank - 1; ax >= 0; ax--)
        {
            strides[ax] = shape[ax] == 1 && outShape[ax] != 1 ? 0 : stride;
            stride *= shape[ax];
        }
        return strides;
    }
}
