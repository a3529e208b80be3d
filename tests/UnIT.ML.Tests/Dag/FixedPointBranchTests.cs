using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.ML.Tests.Dag;

/// <summary>
/// Branches that meet in int16 fixed point with different Q formats, against an integer reference:
/// the two Q values are combined exactly (aligned to the finer format in 64-bit) and the result is
/// rounded once onto the output's format, half away from zero, and saturated to int16.
/// </summary>
[TestClass]
public sealed class FixedPointBranchTests
{
    private const int InBits = 10, TripleBits = 8, OutBits = 7;

    private static (ModelGraph Graph, InferenceEngine Engine) Build(ElementwiseOp op, int outBits = OutBits)
    {
        var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 64)),
        [
            new ElementwiseNode("triple", "x", "t", ElementwiseOp.Mul, new Tensor(new Shape(1), [3f]), constantFirst: false),
            new BinaryNode("join", "x", "t", "y", op),
        ], ["y"]);
        var plan = new QuantizationPlan();
        plan.Values["x"] = InBits;
        plan.Values["t"] = TripleBits;
        plan.Values["y"] = outBits;
        return (graph, new InferenceEngine(graph, new PruningConfiguration { Numerics = NumericFormat.FixedPoint16, Quantization = plan }));
    }

    private static long RoundHalfAway(long value, int shift)
    {
        if (shift <= 0)
        {
            return value << -shift;
        }
        long half = 1L << (shift - 1);
        return value >= 0 ? (value + half) >> shift : -((-value + half) >> shift);
    }

    private static short Saturate(long v) => (short)Math.Clamp(v, short.MinValue, short.MaxValue);

    [TestMethod]
    [DataRow(ElementwiseOp.Add)]
    [DataRow(ElementwiseOp.Sub)]
    public void AddAndSubOfTwoQFormatsEqualTheIntegerReference(ElementwiseOp op)
    {
        (_, InferenceEngine engine) = Build(op);
        float[] x = Uniform(5, -20f, 20f);
        float[] y = engine.Run(new Tensor(new Shape(1, 64), x)).Data;
        for (int i = 0; i < x.Length; i++)
        {
            long xi = Quantize(x[i], InBits);
            // The Mul-by-constant branch: computed in float on the exact Q value, rounded onto Q8.
            long ti = Quantize(3f * (float)Math.ScaleB(xi, -InBits), TripleBits);
            long aligned = op == ElementwiseOp.Add ? xi + (ti << (InBits - TripleBits)) : xi - (ti << (InBits - TripleBits));
            short expected = Saturate(RoundHalfAway(aligned, InBits - OutBits));
            Assert.AreEqual(expected, Quantize(y[i], OutBits), $"element {i}: x = {x[i]}");
            Assert.AreEqual(y[i], (float)Math.ScaleB(Quantize(y[i], OutBits), -OutBits), "the output lies on its Q grid");
        }
    }

    [TestMethod]
    public void ASumBeyondTheOutputRangeSaturates()
    {
        // Q12 holds at most 8; x + 3x for x near 15 is about 60.
        (_, InferenceEngine engine) = Build(ElementwiseOp.Add, outBits: 12);
        float[] y = engine.Run(new Tensor(new Shape(1, 64), Enumerable.Repeat(15f, 64).ToArray())).Data;
        Assert.IsTrue(y.All(v => v == (float)Math.ScaleB(short.MaxValue, -12)), string.Join(", ", y.Take(4)));
    }

    [TestMethod]
    public void AProductOfTwoQValuesIsRoundedOnceFromTheExactProduct()
    {
        (_, InferenceEngine engine) = Build(ElementwiseOp.Mul, outBits: 3);
        float[] x = Uniform(9, -4f, 4f);
        float[] y = engine.Run(new Tensor(new Shape(1, 64), x)).Data;
        for (int i = 0; i < x.Length; i++)
        {
            long xi = Quantize(x[i], InBits);
            long ti = Quantize(3f * (float)Math.ScaleB(xi, -InBits), TripleBits);
            short expected = Saturate(RoundHalfAway(xi * ti, InBits + TripleBits - 3));
            Assert.AreEqual(expected, Quantize(y[i], 3), $"element {i}: x = {x[i]}");
        }
    }

    private static float[] Uniform(int seed, float lo, float hi)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, 64).Select(_ => lo + (hi - lo) * rng.NextSingle()).ToArray();
    }

    private static short Quantize(float v, int bits) => UnIT.ML.Kernels.FixedPointMath.Quantize(v, bits);
}
