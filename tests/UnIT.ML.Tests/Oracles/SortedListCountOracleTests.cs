using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;
using UnIT.ML.Tests.Kernels;

namespace UnIT.ML.Tests.Oracles;

/// <summary>
/// The sorted-list counts (<see cref="LayerStatistics.ListScans"/> and after) against their definitions, worked out per
/// input channel: a convolution the C runs by sorted lists lists the n nonzero activations of each input channel and sorts
/// them (n·⌈log2 n⌉ work); each nonzero weight searches its channel's list (⌊log2 n⌋ + 1 steps) and walks the entries with
/// |x·w| &gt; T, every place included, and with skip compensation also the rest of the list. The data keeps every product
/// at least 1e-5 (relative) away from T, so the counts do not depend on how T / |w| is rounded.
/// </summary>
[TestClass]
public sealed class SortedListCountOracleTests
{
    private const double MinimumGap = 1e-5;

    private sealed record Counts(long Scans, long Entries, long SortWork, long SearchSteps, long Walked, long TailWalked);

    public static IEnumerable<object[]> StrideOneCases()
    {
        // name, channels, h, w, out, kh, kw, pads begin, pads end, dilations, groups, 1-D
        yield return ["two groups, pad 2", 4, 8, 8, 6, 3, 3, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 1, 1 }, 2, false];
        yield return ["valid, dilation 2x1", 3, 9, 7, 4, 3, 2, new[] { 0, 0 }, new[] { 0, 0 }, new[] { 2, 1 }, 1, false];
        yield return ["1-D, asymmetric pads", 2, 1, 20, 3, 1, 5, new[] { 1 }, new[] { 3 }, new[] { 1 }, 1, true];
    }

    [TestMethod]
    [DynamicData(nameof(StrideOneCases))]
    public void Stride_one_list_counts_match_the_definition(string name, int c, int h, int w, int m, int kh, int kw,
        int[] padsBegin, int[] padsEnd, int[] dilations, int groups, bool oneD)
    {
        var rng = new Random(name.Length + 7);
        int[] strides = oneD ? [1] : [1, 1];
        ModelGraph graph = TestGraphs.Conv(2, c, h, w, m, kh, kw, strides, padsBegin, padsEnd, dilations, groups, rng, oneD);
        var conv = (ConvNode)graph.PrunableLayers.Single();
        ConvGeometry g = conv.Geometry(graph.Input.Shape.WithBatch(1));
        Assert.IsTrue(SortedListConvolution.Applies(g), $"{name}: the C runs this convolution by sorted lists");
        float[] x = TestGraphs.Random(rng, 2 * g.InputSampleSize, 0.4);
        float[] thresholds = TestGraphs.Random(rng, m, 0, 0.1f).Select(v => MathF.Abs(v) + 0.01f).ToArray();
        foreach (bool compensated in new[] { false, true })
        {
            Counts expected = Oracle(g, x[..g.InputSampleSize], conv.Weight.Data, thresholds, compensated);
            Counts second = Oracle(g, x[g.InputSampleSize..], conv.Weight.Data, thresholds, compensated);
            expected = new Counts(expected.Scans + second.Scans, expected.Entries + second.Entries, expected.SortWork + second.SortWork,
                expected.SearchSteps + second.SearchSteps, expected.Walked + second.Walked, expected.TailWalked + second.TailWalked);
            Assert.IsTrue(expected.Walked > 0 && (!compensated || expected.TailWalked > 0), $"{name}: the case should walk some entries and skip others");
            var set = new ThresholdSet { Layers = { ["conv"] = thresholds } };
            if (compensated)
            {
                set = set with { SkipCompensations = new() { ["conv"] = new float[2 * conv.Weight.Data.Length] } };
            }
            LayerStatistics s = Run(graph, x, new PruningConfiguration { Thresholds = set });
            string at = $"{name}{(compensated ? ", compensated" : "")}";
            Assert.AreEqual(expected, new Counts(s.ListScans, s.ListEntries, s.ListSortWork, s.ListSearchSteps, s.ListWalked, s.ListTailWalked), at);
        }
    }

    [TestMethod]
    public void A_strided_convolution_and_the_dense_loop_count_no_lists()
    {
        var rng = new Random(5);
        ModelGraph strided = TestGraphs.Conv(2, 3, 9, 7, 4, 3, 3, [2, 1], [1, 1], [1, 1], [1, 1], 1, rng);
        float[] x = TestGraphs.Random(rng, 2 * 3 * 9 * 7, 0.3);
        var set = new ThresholdSet { Layers = { ["conv"] = [0.05f] } };
        LayerStatistics s = Run(strided, x, new PruningConfiguration { Thresholds = set });
        Assert.IsTrue(s.Executed > 0);
        Assert.AreEqual(0, s.ListScans + s.ListEntries + s.ListSortWork + s.ListSearchSteps + s.ListWalked + s.ListTailWalked, "stride 2 runs the tested loop");

        ModelGraph plain = TestGraphs.Conv(2, 3, 9, 7, 4, 3, 3, [1, 1], [1, 1], [1, 1], [1, 1], 1, rng);
        set = new ThresholdSet { Layers = { ["conv"] = [0f] }, DenseLayers = ["conv"] };
        s = Run(plain, x, new PruningConfiguration { Thresholds = set });
        Assert.IsTrue(s.DenseMacs > 0);
        Assert.AreEqual(0, s.ListScans + s.ListWalked, "a layer of the dense loop lists nothing");
    }

    [TestMethod]
    public void Statistics_without_list_counts_keep_every_other_count_and_a_lists_table_refuses_them()
    {
        var rng = new Random(11);
        ModelGraph graph = TestGraphs.Conv(40, 4, 8, 8, 6, 3, 3, [1, 1], [2, 2], [2, 2], [1, 1], 2, rng);
        // 40 samples: the engine splits them across threads, each of which must keep the setting.
        float[] x = TestGraphs.Random(rng, 40 * graph.InputSampleSize, 0.4);
        var config = new PruningConfiguration { Thresholds = new ThresholdSet { Layers = { ["conv"] = [0.05f] } } };
        LayerStatistics counted = Run(graph, x, config);
        LayerStatistics uncounted = Run(graph, x, config, countsSortedLists: false);

        Assert.IsTrue(counted.ListWalked > 0 && counted.ListsUncounted == 0);
        Assert.AreEqual(40, uncounted.ListsUncounted, "every sample ran without its lists");
        Assert.AreEqual(0, uncounted.ListScans + uncounted.ListEntries + uncounted.ListSortWork + uncounted.ListSearchSteps + uncounted.ListWalked);
        Assert.AreEqual((counted.Executed, counted.SkippedZero, counted.SkippedThreshold, counted.Comparisons, counted.WeightReads, counted.ActivationReads, counted.ConvOutputs),
            (uncounted.Executed, uncounted.SkippedZero, uncounted.SkippedThreshold, uncounted.Comparisons, uncounted.WeightReads, uncounted.ActivationReads, uncounted.ConvOutputs));
        // Tables without list prices never read the lists: the same estimate either way.
        foreach (CostTable table in new[] { CostTable.Float32Host, CostTable.Max78000, CostTable.Msp430 })
        {
            Assert.AreEqual(CostModel.EstimateLayer(table, counted).Cycles, CostModel.EstimateLayer(table, uncounted).Cycles, table.Device);
        }
        foreach (CostTable table in new[] { CostTable.CortexM4Instructions, CostTable.Msp430SoftwareMultiply, CostTable.Msp430HardwareMultiply })
        {
            Assert.IsNotNull(table.SortedLists);
            CostModel.EstimateLayer(table, counted);
            var e = Assert.ThrowsExactly<InvalidOperationException>(() => CostModel.EstimateLayer(table, uncounted));
            StringAssert.Contains(e.Message, "'conv'");
            StringAssert.Contains(e.Message, "40 of its 40 samples");
            // Added to counted samples, an uncounted one still makes the layer's lists incomplete.
            LayerStatistics merged = counted.Clone();
            merged.Add(uncounted);
            Assert.ThrowsExactly<InvalidOperationException>(() => CostModel.EstimateLayer(table, merged));
        }
    }

    [TestMethod]
    public void Fixed_point_lists_hold_the_quantized_nonzero_activations()
    {
        // At T = 0 every nonzero activation passes, so each nonzero weight walks its whole channel list.
        var rng = new Random(3);
        ModelGraph graph = TestGraphs.Conv(1, 4, 8, 8, 6, 3, 3, [1, 1], [1, 1], [1, 1], [1, 1], 2, rng);
        var conv = (ConvNode)graph.PrunableLayers.Single();
        Assert.IsTrue(conv.Weight.Data.All(v => v == 0f || MathF.Abs(v) > 1e-3f), "test data: no weight quantizes to 0");
        float[] x = TestGraphs.Random(rng, graph.InputSampleSize, 0.4).Select(v => v == 0f ? 0f : MathF.CopySign(0.05f + MathF.Abs(v), v)).ToArray();
        var input = new Tensor(graph.Input.Shape.WithBatch(1), x);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Percentile = 0, Profile = "msp430" }, [input]);
        var stats = new InferenceStatistics();
        model.Engine.Run(input, stats);
        LayerStatistics s = stats.Layers.Single();
        ConvGeometry g = conv.Geometry(graph.Input.Shape.WithBatch(1));
        Counts expected = Oracle(g, x, conv.Weight.Data, [0f], compensated: false);
        Assert.AreEqual(expected, new Counts(s.ListScans, s.ListEntries, s.ListSortWork, s.ListSearchSteps, s.ListWalked, s.ListTailWalked));
    }

    private static LayerStatistics Run(ModelGraph graph, float[] x, PruningConfiguration config, bool countsSortedLists = true)
    {
        var stats = new InferenceStatistics { CountsSortedLists = countsSortedLists };
        new InferenceEngine(graph, config).Run(new Tensor(graph.Input.Shape.WithBatch(x.Length / graph.InputSampleSize), x), stats);
        return stats.Layers.Single();
    }

    /// <summary>One sample's list counts, channel by channel, from the definitions.</summary>
    private static Counts Oracle(ConvGeometry g, float[] x, float[] w, float[] thresholds, bool compensated)
    {
        int plane = g.InH * g.InW, rows = g.ColumnRows, kernelSize = g.KernelH * g.KernelW;
        long entries = 0, sort = 0, search = 0, walked = 0, tail = 0;
        for (int channel = 0; channel < g.InChannels; channel++)
        {
            float[] list = x.Skip(channel * plane).Take(plane).Where(v => v != 0f).ToArray();
            int n = list.Length;
            entries += n;
            sort += n > 1 ? n * (long)Math.Ceiling(Math.Log2(n)) : 0;
            int group = channel / g.InChannelsPerGroup, c = channel % g.InChannelsPerGroup;
            for (int mm = group * g.OutChannelsPerGroup; mm < (group + 1) * g.OutChannelsPerGroup; mm++)
            {
                double t = thresholds.Length == 1 ? thresholds[0] : thresholds[mm];
                for (int k = 0; k < kernelSize; k++)
                {
                    float wv = w[mm * rows + c * kernelSize + k];
                    if (wv == 0f)
                    {
                        continue;
                    }
                    search += n == 0 ? 0 : (long)Math.Floor(Math.Log2(n)) + 1;
                    foreach (float v in list)
                    {
                        double product = Math.Abs((double)v * wv);
                        Assert.IsTrue(t == 0 || Math.Abs(product - t) > MinimumGap * t, $"test data: |{v} * {wv}| is too close to T = {t}");
                        walked += product > t ? 1 : 0;
                        tail += compensated && product <= t ? 1 : 0;
                    }
                }
            }
        }
        return new Counts((long)g.InChannels * plane, entries, sort, search, walked, tail);
    }
}
