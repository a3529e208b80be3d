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
        float[] a = run.Inputs[0], b = run.Inputs[1], y = run.Output;
        Func<double, float> round = run.RoundExact ?? (v => (float)v);
        ElementwiseOp op = node.Op;
        var at = new BroadcastOdometer(run.OutputShape, run.InputShapes[0], run.InputShapes[1]);
        for (int i = 0; i < y.Length; i++, at.Next())
        {
            double l = a[at.A], r = b[at.B];
            y[i] = round(op switch
            {
                ElementwiseOp.Add => l + r,
                ElementwiseOp.Sub => l - r,
                ElementwiseOp.Mul => l * r,
                ElementwiseOp.Max => Math.Max(l, r),
                ElementwiseOp.Min => Math.Min(l, r),
                _ => l / r,
            });
        }
    }
}
