using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.Onnx.Tests.Helpers;
using static UnIT.Onnx.Tests.Helpers.OnnxAttr;

namespace UnIT.Onnx.Tests.TinyMl;

/// <summary>
/// The msp430 profile on a residual block whose two branches reach the Add in different Q formats, against
/// an integer reference written here from method.md: int16 values and weights, int32 saturating
/// accumulation from the bias in the product's Q format, round-half-up requantization shifts, the
/// bit-shift skip rule (|x| must exceed T &gt;&gt; n, n = the position of |w|'s top bit), and the Add
/// computed exactly on the common finer grid and rounded half away from zero, saturated, onto its own.
/// </summary>
[TestClass]
public sealed class TinyMlFixedPointReferenceTests
{
    private const int Channels = 4, Side = 6;

    [TestMethod]
    [DataRow(0.0)]
    [DataRow(50.0)]
    public void AResidualBlockWithBranchesInDifferentQFormatsIsBitExact(double percentile)
    {
        // y = relu(conv_b(relu(conv_a(x))) + x): conv_b's larger weights put its output on a coarser grid than x's.
        OnnxModelBuilder b = new OnnxModelBuilder(13).Input("x", -1, Channels, Side, Side);
        Conv(b, "conv_a", "x", "a", 0.5f, seed: 1).Node("Relu", "a", "ar");
        Conv(b, "conv_b", "ar", "bo", 2f, seed: 3).NamedNode("skip", "Add", ["bo", "x"], ["s"]).Node("Relu", "s", "y").Output("y");
        ModelGraph graph = OnnxImporter.Import(b.ToBytes());
        const int samples = 3;
        var calibration = new Tensor(new Shape(samples, Channels, Side, Side), TestData.Uniform(samples * Channels * Side * Side, 5));
        var input = new Tensor(new Shape(samples, Channels, Side, Side), TestData.Uniform(samples * Channels * Side * Side, 6));

        PrunedModel pruned = PrunedModel.Create(graph, new PruningOptions { Percentile = percentile, Profile = "msp430" }, [calibration]);
        var stats = new InferenceStatistics();
        float[] actual = pruned.Engine.Run(input, stats).Data;

        QuantizationPlan q = pruned.Thresholds.Quantization!;
        Assert.AreEqual("bitshift", pruned.Division.Name);
        Assert.AreNotEqual(q.ValueBits("bo"), q.ValueBits("x"), "the test needs branches in different Q formats");
        int size = Channels * Side * Side;
        long executed = 0;
        for (int n = 0; n < samples; n++)
        {
            int fx = q.ValueBits("x");
            int[] x = input.Data[(n * size)..((n + 1) * size)].Select(v => (int)Quantize(v, fx)).ToArray();
            int[] a = Relu(ConvReference(graph, pruned, "conv_a", x, ref executed));
            int fa = q.ValueBits(graph.Layer("conv_a").Output);
            a = a.Select(v => Rescale(v, fa, q.ValueBits("ar"))).ToArray();
            int[] bo = ConvReference(graph, pruned, "conv_b", a, ref executed);
            int fb = q.ValueBits("bo"), common = Math.Max(fb, fx), fs = q.ValueBits("s");
            int[] y = bo.Select((v, i) => Rescale(((long)v << (common - fb)) + ((long)x[i] << (common - fx)), common, fs)).ToArray();
            y = Relu(y).Select(v => Rescale(v, fs, q.ValueBits("y"))).ToArray();
            for (int i = 0; i < size; i++)
            {
                Assert.AreEqual(MathF.ScaleB(y[i], -q.ValueBits("y")), actual[n * size + i], $"sample {n}, element {i}");
            }
        }
        Assert.AreEqual(executed, stats.Executed, "executed MACs");
        Assert.AreEqual(percentile > 0, stats.SkippedThreshold > 0);
    }

    private static OnnxModelBuilder Conv(OnnxModelBuilder b, string name, string input, string output, float scale, int seed) =>
        b.Initializer($"{name}_w", [Channels, Channels, 3, 3], TestData.Uniform(Channels * Channels * 9, seed, -scale, scale))
         .Initializer($"{name}_b", [Channels], TestData.Uniform(Channels, seed + 1, -0.2f, 0.2f))
         .NamedNode(name, "Conv", [input, $"{name}_w", $"{name}_b"], [output], Ints("pads", 1, 1, 1, 1));

    /// <summary>A 3x3 same-padded convolution on int16 values with the UnIT skip rule, in the order the device adds.</summary>
    private static int[] ConvReference(ModelGraph graph, PrunedModel pruned, string layer, int[] x, ref long executed)
    {
        PrunableNode conv = graph.Layer(layer);
        QuantizationPlan q = pruned.Thresholds.Quantization!;
        int fIn = q.ValueBits(conv.Input), fW = q.WeightBits(layer), fOut = q.ValueBits(conv.Output), fProduct = fIn + fW;
        int[] w = conv.Weight.Data.Select(v => (int)Quantize(v, fW)).ToArray();
        long[] bias = conv.Bias!.Select(v => (long)Math.Round(Math.ScaleB(v, fProduct), MidpointRounding.AwayFromZero)).ToArray();
        int threshold = pruned.Thresholds.QuantizedFor(layer)!.Single();
        var y = new int[Channels * Side * Side];
        for (int m = 0; m < Channels; m++)
        {
            for (int oh = 0; oh < Side; oh++)
            {
                for (int ow = 0; ow < Side; ow++)
                {
                    long acc = bias[m];
                    for (int c = 0; c < Channels; c++)
                    {
                        for (int kh = 0; kh < 3; kh++)
                        {
                            for (int kw = 0; kw < 3; kw++)
                            {
                                int ih = oh + kh - 1, iw = ow + kw - 1, wv = w[((m * Channels + c) * 3 + kh) * 3 + kw];
                                if (ih < 0 || ih >= Side || iw < 0 || iw >= Side || wv == 0)
                                {
                                    continue;
                                }
                                int xv = x[(c * Side + ih) * Side + iw];
                                // Bit-shift division: shift |w| right until it is 1, n times; skip when |x| <= T >> n.
                                int shifts = 31 - int.LeadingZeroCount(Math.Abs(wv));
                                if (Math.Abs(xv) > threshold >> shifts)
                                {
                                    acc = Math.Clamp(acc + (long)xv * wv, int.MinValue, int.MaxValue);
                                    executed++;
                                }
                            }
                        }
                    }
                    int shift = fProduct - fOut;
                    long r = shift > 0 ? (acc + (1L << (shift - 1))) >> shift : acc << -shift;
                    y[(m * Side + oh) * Side + ow] = (int)Math.Clamp(r, short.MinValue, short.MaxValue);
                }
            }
        }
        return y;
    }

    private static int[] Relu(int[] v) => v.Select(e => Math.Max(e, 0)).ToArray();

    private static short Quantize(float v, int bits) =>
        (short)Math.Clamp(Math.Round(Math.ScaleB(v, bits), MidpointRounding.AwayFromZero), short.MinValue, short.MaxValue);

    /// <summary>A value with <paramref name="from"/> fractional bits onto <paramref name="to"/> bits: exact, rounded half away from zero, saturated to int16.</summary>
    private static int Rescale(long v, int from, int to)
    {
        long r;
        if (to >= from)
        {
            r = v << (to - from);
        }
        else
        {
            int s = from - to;
            long magnitude = (Math.Abs(v) + (1L << (s - 1))) >> s;
            r = v < 0 ? -magnitude : magnitude;
        }
        return (int)Math.Clamp(r, short.MinValue, short.MaxValue);
    }
}
