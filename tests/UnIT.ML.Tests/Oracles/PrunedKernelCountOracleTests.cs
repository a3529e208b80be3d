using UnIT.ML.Division;
using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.Kernels;

namespace UnIT.ML.Tests.Oracles;

/// <summary>
/// The operation counts of the float pruned conv and FC kernels (<see cref="LayerStatistics.Comparisons"/>,
/// <see cref="LayerStatistics.WeightReads"/>, <see cref="LayerStatistics.ActivationReads"/>, and each MAC's fate),
/// counted MAC by MAC from the documented definitions. Comparisons are the zero tests of control terms plus the
/// threshold tests. Conv (C = w): one zero test and one read per weight per sample; each nonzero weight tests and reads
/// every activation it meets inside the input (padding is neither read nor tested). FC (C = x): one zero test and one
/// read per input; each nonzero input tests and reads its weight for every output neuron. A MAC runs when both operands
/// are nonzero and |x * w| &gt; T; the data has no MAC within 1e-5 (relative) of T, so the exact rule and a rounded
/// T / |C| agree, and the counts do not depend on how ties are broken.
/// </summary>
[TestClass]
public sealed class PrunedKernelCountOracleTests
{
    private const double MinimumGap = 1e-5;

    private sealed record Counts(long Total, long Executed, long SkippedZero, long SkippedThreshold, long Comparisons, long WeightReads, long ActivationReads)
    {
        public Counts Plus(Counts o) => new(Total + o.Total, Executed + o.Executed, SkippedZero + o.SkippedZero, SkippedThreshold + o.SkippedThreshold,
            Comparisons + o.Comparisons, WeightReads + o.WeightReads, ActivationReads + o.ActivationReads);
    }

    public static IEnumerable<object[]> ConvCases()
    {
        // name, channels, h, w, out, kh, kw, strides, pads begin, pads end, dilations, groups, 1-D
        yield return ["stride 2x1, asymmetric pads, dilation 1x2", 3, 9, 7, 4, 3, 2, new[] { 2, 1 }, new[] { 1, 0 }, new[] { 1, 1 }, new[] { 1, 2 }, 1, false];
        yield return ["two groups, pad 2", 4, 8, 8, 6, 3, 3, new[] { 1, 1 }, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 1, 1 }, 2, false];
        yield return ["1-D, stride 3, dilation 2", 2, 1, 20, 3, 1, 5, new[] { 3 }, new[] { 2 }, new[] { 0 }, new[] { 2 }, 1, true];
    }

    [TestMethod]
    [DynamicData(nameof(ConvCases))]
    public void Conv_counts_match_the_mac_by_mac_definition(string name, int c, int h, int w, int m, int kh, int kw,
        int[] strides, int[] padsBegin, int[] padsEnd, int[] dilations, int groups, bool oneD)
    {
        var rng = new Random(name.Length);
        ModelGraph graph = TestGraphs.Conv(2, c, h, w, m, kh, kw, strides, padsBegin, padsEnd, dilations, groups, rng, oneD);
        var conv = (ConvNode)graph.PrunableLayers.Single();
        ConvGeometry g = conv.Geometry(graph.Input.Shape.WithBatch(1));
        float[] x = TestGraphs.Random(rng, 2 * g.InputSampleSize, 0.3);
        foreach (float[] thresholds in new float[][] { [0.06f], TestGraphs.Random(rng, m, 0, 0.15f).Select(v => MathF.Abs(v) + 0.01f).ToArray() })
        {
            Counts expected = ConvOracle(g, x[..g.InputSampleSize], conv.Weight.Data, thresholds)
                .Plus(ConvOracle(g, x[g.InputSampleSize..], conv.Weight.Data, thresholds));
            AssertEngineCounts(graph, "conv", x, thresholds, expected, $"{name}, {thresholds.Length} threshold(s)");
        }
    }

    [TestMethod]
    public void FullyConnected_counts_match_the_mac_by_mac_definition()
    {
        const int k = 37, n = 9, rows = 3;
        var rng = new Random(11);
        ModelGraph graph = TestGraphs.FullyConnected(k, n, rng);
        var fc = (FullyConnectedNode)graph.PrunableLayers.Single();
        float[] x = TestGraphs.Random(rng, rows * k, 0.4);
        foreach (float[] thresholds in new float[][] { [0.08f], TestGraphs.Random(rng, n, 0, 0.2f).Select(v => MathF.Abs(v) + 0.01f).ToArray() })
        {
            Counts expected = Enumerable.Range(0, rows)
                .Select(r => FullyConnectedOracle(x[(r * k)..((r + 1) * k)], fc.Weight.Data, n, thresholds))
                .Aggregate((a, b) => a.Plus(b));
            // The exported C's loop: each nonzero input looks its thresholds up once, each row sets its outputs.
            bool grouped = thresholds.Length > 1;
            (long Inputs, long Outputs) loop = (x.Count(v => v != 0f), rows * n);
            AssertEngineCounts(graph, "fc", x, thresholds, expected, $"fc, {thresholds.Length} threshold(s)",
                s => Assert.AreEqual(grouped ? (loop, (0L, 0L)) : ((0L, 0L), loop),
                    ((s.GroupedInputs, s.GroupedOutputs), (s.TestedInputs, s.TestedOutputs)), $"fc, {thresholds.Length} threshold(s): loop counts"));
        }
    }

    /// <summary>
    /// Runs the engine with each approximator. Comparisons and reads do not depend on the approximator; the fate of each
    /// MAC is the exact rule's for exact division, and for every approximator the nonzero MACs are either run or skipped;
    /// <paramref name="alsoCheck"/> then checks more of each run's counts.
    /// </summary>
    private static void AssertEngineCounts(ModelGraph graph, string layer, float[] x, float[] thresholds, Counts expected, string what,
        Action<LayerStatistics>? alsoCheck = null)
    {
        Assert.IsTrue(expected.Executed > 0 && expected.SkippedThreshold > 0 && expected.SkippedZero > 0, $"{what}: the case should run, skip by threshold and skip zeros");
        foreach (string division in DivisionApproximators.Names)
        {
            var config = new PruningConfiguration
            {
                Thresholds = new ThresholdSet { Layers = { [layer] = thresholds } },
                Division = DivisionApproximators.Create(division),
            };
            var stats = new InferenceStatistics();
            int batch = x.Length / graph.InputSampleSize;
            new InferenceEngine(graph, config).Run(new Tensor(graph.Input.Shape.WithBatch(batch), x), stats);
            LayerStatistics s = stats.Layers.Single();
            string at = $"{what}, {division}";
            Assert.AreEqual(expected.Total, s.Total, $"{at}: total");
            Assert.AreEqual(expected.Comparisons, s.Comparisons, $"{at}: comparisons");
            Assert.AreEqual(expected.WeightReads, s.WeightReads, $"{at}: weight reads");
            Assert.AreEqual(expected.ActivationReads, s.ActivationReads, $"{at}: activation reads");
            Assert.AreEqual(expected.SkippedZero, s.SkippedZero, $"{at}: skipped (zero)");
            Assert.AreEqual(expected.Executed + expected.SkippedThreshold, s.Executed + s.SkippedThreshold, $"{at}: nonzero MACs");
            if (division == "exact")
            {
                Assert.AreEqual(expected.Executed, s.Executed, $"{at}: executed");
                Assert.AreEqual(expected.SkippedThreshold, s.SkippedThreshold, $"{at}: skipped (threshold)");
            }
            alsoCheck?.Invoke(s);
        }
    }

    private static Counts ConvOracle(ConvGeometry g, float[] x, float[] w, float[] thresholds)
    {
        long total = 0, executed = 0, zero = 0, threshold = 0, comparisons = 0, weightReads = 0, activationReads = 0;
        for (int m = 0; m < g.OutChannels; m++)
        {
            int group = m / g.OutChannelsPerGroup;
            double t = thresholds.Length == 1 ? thresholds[0] : thresholds[m];
            for (int c = 0; c < g.InChannelsPerGroup; c++)
            {
                for (int kh = 0; kh < g.KernelH; kh++)
                {
                    for (int kw = 0; kw < g.KernelW; kw++)
                    {
                        float wv = w[((m * g.InChannelsPerGroup + c) * g.KernelH + kh) * g.KernelW + kw];
                        comparisons++; // the weight's zero test
                        weightReads++;
                        for (int oh = 0; oh < g.OutH; oh++)
                        {
                            for (int ow = 0; ow < g.OutW; ow++)
                            {
                                total++;
                                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                                int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                                bool inside = ih >= 0 && ih < g.InH && iw >= 0 && iw < g.InW;
                                if (wv != 0f && inside)
                                {
                                    comparisons++; // the activation's threshold test
                                    activationReads++;
                                }
                                float xv = inside ? x[((group * g.InChannelsPerGroup + c) * g.InH + ih) * g.InW + iw] : 0f;
                                Classify(xv, wv, t, ref executed, ref zero, ref threshold);
                            }
                        }
                    }
                }
            }
        }
        return new Counts(total, executed, zero, threshold, comparisons, weightReads, activationReads);
    }

    private static Counts FullyConnectedOracle(float[] x, float[] w, int n, float[] thresholds)
    {
        int k = x.Length;
        long total = 0, executed = 0, zero = 0, threshold = 0, comparisons = 0, weightReads = 0, activationReads = 0;
        for (int i = 0; i < k; i++)
        {
            comparisons++; // the input's zero test
            activationReads++;
            for (int j = 0; j < n; j++)
            {
                total++;
                float wv = w[j * k + i];
                if (x[i] != 0f)
                {
                    comparisons++; // the weight's threshold test
                    weightReads++;
                }
                Classify(x[i], wv, thresholds.Length == 1 ? thresholds[0] : thresholds[j], ref executed, ref zero, ref threshold);
            }
        }
        return new Counts(total, executed, zero, threshold, comparisons, weightReads, activationReads);
    }

    /// <summary>method.md's rule with exact arithmetic: the product of two floats is exact in double.</summary>
    private static void Classify(float x, float w, double t, ref long executed, ref long zero, ref long threshold)
    {
        if (x == 0f || w == 0f)
        {
            zero++;
            return;
        }
        double product = Math.Abs((double)x * w);
        Assert.IsTrue(Math.Abs(product - t) > MinimumGap * t, $"test data: |{x} * {w}| is too close to T = {t} for the counts not to depend on rounding");
        if (product > t)
        {
            executed++;
        }
        else
        {
            threshold++;
        }
    }
}
