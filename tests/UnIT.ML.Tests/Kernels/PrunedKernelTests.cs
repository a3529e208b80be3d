using UnIT.ML.Division;
using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.ML.Tests.Kernels;

[TestClass]
public sealed class PrunedKernelTests
{
    public static IEnumerable<object[]> Approximators => DivisionNames.Select(n => new object[] { n });

    private static readonly string[] DivisionNames = ["exact", "bitshift", "binarytree", "bitmask"];

    public static IEnumerable<object[]> ConvCases()
    {
        foreach (string d in DivisionNames)
        {
            // channels, h, w, out, kh, kw, stride, pads begin, pads end, dilation, groups, 1-D
            yield return [d, 3, 9, 7, 4, 3, 2, new[] { 2, 1 }, new[] { 1, 0 }, new[] { 1, 1 }, new[] { 1, 2 }, 1, false];
            yield return [d, 4, 8, 8, 6, 3, 3, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 }, 2, false];
            yield return [d, 2, 1, 20, 3, 1, 5, new[] { 3 }, new[] { 2 }, new[] { 0 }, new[] { 2 }, 1, true];
        }
    }

    [TestMethod]
    [DynamicData(nameof(ConvCases))]
    public void Conv_matches_the_mac_by_mac_skip_rule(string division, int c, int h, int w, int m, int kh, int kw,
        int[] strides, int[] padsBegin, int[] padsEnd, int[] dilations, int groups, bool oneD)
    {
        var rng = new Random(7);
        ModelGraph graph = TestGraphs.Conv(2, c, h, w, m, kh, kw, strides, padsBegin, padsEnd, dilations, groups, rng, oneD);
        var conv = (ConvNode)graph.PrunableLayers[0];
        IDivisionApproximator approx = DivisionApproximators.Create(division);
        foreach (bool groupWise in new[] { false, true })
        {
            float[] thresholds = groupWise ? TestGraphs.Random(rng, m, 0, 0.15f).Select(MathF.Abs).ToArray() : [0.06f];
            var config = new PruningConfiguration
            {
                Thresholds = new ThresholdSet { Layers = { ["conv"] = thresholds } },
                Division = approx,
            };
            int sampleSize = graph.InputSampleSize;
            float[] x = TestGraphs.Random(rng, 2 * sampleSize, 0.3);
            var stats = new InferenceStatistics();
            Tensor y = new InferenceEngine(graph, config).Run(new Tensor(graph.Input.Shape.WithBatch(2), x), stats);

            long exec = 0, zero = 0, thr = 0;
            ConvGeometry g = conv.Geometry(graph.Input.Shape.WithBatch(1));
            for (int s = 0; s < 2; s++)
            {
                SkipRuleReference.Result r = SkipRuleReference.Conv(g, x[(s * sampleSize)..((s + 1) * sampleSize)], conv.Weight.Data, conv.Bias, thresholds, approx);
                for (int i = 0; i < r.Output.Length; i++)
                {
                    Assert.AreEqual(r.Output[i], y.Data[s * g.OutputSampleSize + i], 1e-5, $"{division} groupWise={groupWise} sample {s} output {i}");
                }
                exec += r.Executed;
                zero += r.SkippedZero;
                thr += r.SkippedThreshold;
            }
            LayerStatistics ls = stats.Layers.Single();
            Assert.AreEqual(exec, ls.Executed, "executed");
            Assert.AreEqual(zero, ls.SkippedZero, "skipped (zero)");
            Assert.AreEqual(thr, ls.SkippedThreshold, "skipped (threshold)");
            Assert.AreEqual(2 * graph.TotalMacsPerSample, ls.Total);
            Assert.IsTrue(thr > 0 && exec > 0, "the case must exercise both outcomes");
        }
    }

    [TestMethod]
    [DynamicData(nameof(Approximators))]
    public void FullyConnected_matches_the_mac_by_mac_skip_rule(string division)
    {
        var rng = new Random(11);
        ModelGraph graph = TestGraphs.FullyConnected(37, 9, rng);
        var fc = (FullyConnectedNode)graph.PrunableLayers[0];
        IDivisionApproximator approx = DivisionApproximators.Create(division);
        foreach (bool groupWise in new[] { false, true })
        {
            float[] thresholds = groupWise ? TestGraphs.Random(rng, 9, 0, 0.2f).Select(MathF.Abs).ToArray() : [0.08f];
            var config = new PruningConfiguration { Thresholds = new ThresholdSet { Layers = { ["fc"] = thresholds } }, Division = approx };
            float[] x = TestGraphs.Random(rng, 3 * 37, 0.4);
            var stats = new InferenceStatistics();
            Tensor y = new InferenceEngine(graph, config).Run(new Tensor(new Shape(3, 37), x), stats);
            long exec = 0, zero = 0, thr = 0;
            for (int s = 0; s < 3; s++)
            {
                SkipRuleReference.Result r = SkipRuleReference.FullyConnected(x[(s * 37)..((s + 1) * 37)], fc.Weight.Data, fc.Bias, 9, thresholds, approx);
                for (int j = 0; j < 9; j++)
                {
                    Assert.AreEqual(r.Output[j], y.Data[s * 9 + j], 1e-5, $"{division} groupWise={groupWise} row {s} neuron {j}");
                }
                exec += r.Executed;
                zero += r.SkippedZero;
                thr += r.SkippedThreshold;
            }
            LayerStatistics ls = stats.Layers.Single();
            Assert.AreEqual(exec, ls.Executed);
            Assert.AreEqual(zero, ls.SkippedZero);
            Assert.AreEqual(thr, ls.SkippedThreshold);
            Assert.IsTrue(thr > 0 && exec > 0, "the case must exercise both outcomes");
        }
    }

    [TestMethod]
    [DynamicData(nameof(Approximators))]
    public void Threshold_zero_matches_the_dense_path(string division)
    {
        var rng = new Random(3);
        ModelGraph graph = TestGraphs.Conv(4, 3, 12, 10, 5, 3, 3, [1, 2], [1, 1], [2, 0], [2, 1], 1, rng);
        var config = new PruningConfiguration { Thresholds = new ThresholdSet { Layers = { ["conv"] = [0f] } }, Division = DivisionApproximators.Create(division) };
        var input = new Tensor(graph.Input.Shape.WithBatch(4), TestGraphs.Random(rng, 4 * graph.InputSampleSize, 0.2));
        var stats = new InferenceStatistics();
        float[] pruned = new InferenceEngine(graph, config).Run(input, stats).Data;
        float[] dense = new InferenceEngine(graph).Run(input).Data;
        for (int i = 0; i < dense.Length; i++)
        {
            Assert.AreEqual(dense[i], pruned[i], 1e-5f);
        }
        Assert.AreEqual(0, stats.SkippedThreshold);
    }

    [TestMethod]
    [DynamicData(nameof(Approximators))]
    public void FixedPoint_conv_is_bit_exact_against_the_integer_reference(string division)
    {
        var rng = new Random(5);
        ModelGraph graph = TestGraphs.Conv(1, 2, 10, 9, 3, 3, 3, [1, 1], [1, 1], [1, 1], [1, 1], 1, rng);
        var conv = (ConvNode)graph.PrunableLayers[0];
        const int inBits = 12, weightBits = 14, outBits = 10;
        var plan = new QuantizationPlan { Values = { ["x"] = inBits, ["y"] = outBits }, Weights = { ["conv"] = weightBits } };
        IDivisionApproximator approx = DivisionApproximators.Create(division);
        const float t = 0.05f;
        var config = new PruningConfiguration
        {
            Thresholds = new ThresholdSet { Layers = { ["conv"] = [t] } },
            Division = approx,
            Numerics = UnIT.ML.Targets.NumericFormat.FixedPoint16,
            Quantization = plan,
        };
        float[] x = TestGraphs.Random(rng, graph.InputSampleSize, 0.3);
        var stats = new InferenceStatistics();
        float[] y = new InferenceEngine(graph, config).Run(new Tensor(graph.Input.Shape.WithBatch(1), x), stats).Data;

        short[] xq = x.Select(v => (short)Math.Round(v * (1 << inBits), MidpointRounding.AwayFromZero)).ToArray();
        short[] wq = conv.Weight.Data.Select(v => (short)Math.Round(v * (1 << weightBits), MidpointRounding.AwayFromZero)).ToArray();
        int[] bq = conv.Bias!.Select(v => (int)Math.Round(v * (double)(1L << (inBits + weightBits)), MidpointRounding.AwayFromZero)).ToArray();
        int tq = (int)Math.Round(t * (double)(1L << (inBits + weightBits)), MidpointRounding.AwayFromZero);
        var (acc, exec, thr) = SkipRuleReference.FixedConv(conv.Geometry(graph.Input.Shape.WithBatch(1)), xq, wq, bq, [tq], approx);
        int shift = inBits + weightBits - outBits;
        for (int i = 0; i < acc.Length; i++)
        {
            long q = Math.Clamp((acc[i] + (1L << (shift - 1))) >> shift, short.MinValue, short.MaxValue);
            Assert.AreEqual(q / (float)(1 << outBits), y[i], $"output {i}");
        }
        Assert.AreEqual(exec, stats.Executed);
        Assert.AreEqual(thr, stats.SkippedThreshold);
        Assert.IsTrue(thr > 0 && exec > 0);
    }
}
