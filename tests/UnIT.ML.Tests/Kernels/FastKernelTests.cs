using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;

namespace UnIT.ML.Tests.Kernels;

/// <summary>
/// The fast conv kernels (register-blocked dense and UnIT tiles, SIMD fixed point) against the plain paths on
/// random geometries: odd sizes, channel counts that are not multiples of the 4-channel tile, output widths
/// around the 16-position tile, stride, asymmetric padding, dilation, groups and depthwise, 1-D. Counts must be
/// exactly the MAC-by-MAC skip rule's; outputs with and without statistics must be bit-identical.
/// </summary>
[TestClass]
public sealed class FastKernelTests
{
    public static IEnumerable<object[]> Geometries()
    {
        var rng = new Random(2024);
        int made = 0;
        while (made < 14)
        {
            bool oneD = made % 5 == 4;
            int groups = made % 4 == 3 ? 1 + rng.Next(4) : 1 + rng.Next(2);
            bool depthwise = made % 4 == 3;
            int inC = groups * (depthwise ? 1 : 1 + rng.Next(3));
            int outC = groups * (1 + rng.Next(depthwise ? 2 : 5));
            int inH = oneD ? 1 : 1 + rng.Next(14), inW = 1 + rng.Next(30);
            int kh = oneD ? 1 : 1 + rng.Next(4), kw = 1 + rng.Next(4);
            int sh = oneD ? 1 : 1 + rng.Next(3), sw = 1 + rng.Next(made % 2 == 0 ? 1 : 3);
            int pt = oneD ? 0 : rng.Next(3), pl = rng.Next(3), pb = oneD ? 0 : rng.Next(3), pr = rng.Next(3);
            int dh = oneD ? 1 : 1 + rng.Next(2), dw = 1 + rng.Next(2);
            var g = new ConvGeometry(inC, outC, groups, inH, inW, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, oneD ? 1 : 2);
            if (inH + pt + pb < (kh - 1) * dh + 1 || inW + pl + pr < (kw - 1) * dw + 1)
            {
                continue;
            }
            made++;
            yield return [$"#{made}", g];
        }
    }

    /// <summary>A random sample, weights and bias for <paramref name="g"/>, with the given shares of zero activations and zero weights.</summary>
    private static (float[] X, float[] W, float[] Bias) RandomConv(ConvGeometry g, Random rng, double zeroActivations, double zeroWeights) =>
        (TestGraphs.Random(rng, g.InputSampleSize, zeroActivations), TestGraphs.Random(rng, g.OutChannels * g.ColumnRows, zeroWeights, 0.5f),
            TestGraphs.Random(rng, g.OutChannels, 0));

    [TestMethod]
    [DynamicData(nameof(Geometries))]
    public void Dense_tiles_match_the_reference_loop(string name, ConvGeometry g)
    {
        var rng = new Random(name.Length * 31 + 1);
        (float[] x, float[] w, float[] bias) = RandomConv(g, rng, 0.2, 0.1);
        var expected = new float[g.OutputSampleSize];
        var scale = new float[g.OutputSampleSize];
        ConvKernel.Reference(g, x, w, bias, expected);
        ConvKernel.Reference(g, x.Select(MathF.Abs).ToArray(), w.Select(MathF.Abs).ToArray(), bias.Select(MathF.Abs).ToArray(), scale);
        float[] actual = Enumerable.Repeat(float.NaN, g.OutputSampleSize).ToArray();

        ConvKernel.Dense(g, x, w, bias, actual, new float[ConvKernel.ScratchLength(g)]);

        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-5 * (scale[i] + 1e-3), $"{name} output {i}");
        }
    }

    [TestMethod]
    [DynamicData(nameof(Geometries))]
    public void Pruned_tiles_give_the_skip_rule_results_and_counts(string name, ConvGeometry g)
    {
        var rng = new Random(name.Length * 17 + 5);
        (float[] x, float[] w, float[] bias) = RandomConv(g, rng, 0.25, 0.15);
        float[] layerThresholds = TestGraphs.Random(rng, g.OutChannels, 0, 0.12f).Select(MathF.Abs).ToArray();
        foreach (string division in new[] { "exact", "bitshift" })
        {
            IDivisionApproximator d = DivisionApproximators.Create(division);
            var ops = default(DivisionOps);
            int perChannel = g.ColumnRows;
            float[] t = w.Select((v, i) => v == 0f ? float.PositiveInfinity : d.Threshold(layerThresholds[i / perChannel], MathF.Abs(v), ref ops)).ToArray();
            SkipRuleReference.Result oracle = SkipRuleReference.Conv(g, x, w, bias, layerThresholds, d);
            var counted = new float[g.OutputSampleSize];
            var uncounted = new float[g.OutputSampleSize];
            var stats = new LayerStatistics("conv");
            var counts = new ConvWeightCounts(g, w);

            PrunedConvKernel.Run(g, x, w, bias, t, counted, new float[ConvKernel.ScratchLength(g)], counts, stats);
            PrunedConvKernel.Run(g, x, w, bias, t, uncounted, new float[ConvKernel.ScratchLength(g)], counts, null);

            CollectionAssert.AreEqual(counted, uncounted, $"{name} {division}: counting must not change results");
            for (int i = 0; i < counted.Length; i++)
            {
                Assert.AreEqual(oracle.Output[i], counted[i], 1e-5, $"{name} {division} output {i}");
            }
            Assert.AreEqual(oracle.Executed, stats.Executed, $"{name} {division} executed");
            Assert.AreEqual(oracle.SkippedZero, stats.SkippedZero, $"{name} {division} skipped (zero)");
            Assert.AreEqual(oracle.SkippedThreshold, stats.SkippedThreshold, $"{name} {division} skipped (threshold)");
            Assert.AreEqual((long)g.OutputSampleSize * g.ColumnRows, stats.Total, $"{name} {division} total");
        }
    }

    [TestMethod]
    [DynamicData(nameof(Geometries))]
    public void Direct_tiles_are_bit_identical_to_im2col_tiles(string name, ConvGeometry g)
    {
        // The direct layout needs stride 1 in width; every other feature (padding, odd widths, dilation, groups) stays.
        g = g with { StrideW = 1 };
        var rng = new Random(name.Length * 7 + 11);
        (float[] x, float[] w, float[] bias) = RandomConv(g, rng, 0.25, 0.15);
        float[] t = w.Select(v => v == 0f ? float.PositiveInfinity : MathF.Abs(v) * 0.3f).ToArray();
        var counts = new ConvWeightCounts(g, w);
        var scratch = new float[Math.Max(g.ColumnsLength, ConvKernel.ScratchLength(g))];
        var dense = new float[2][];
        var pruned = new float[2][];
        var stats = new LayerStatistics[2];
        foreach (bool direct in new[] { true, false })
        {
            int i = direct ? 0 : 1;
            dense[i] = new float[g.OutputSampleSize];
            pruned[i] = new float[g.OutputSampleSize];
            stats[i] = new LayerStatistics("conv");
            ConvKernel.RunTiles<TileKernel.Dense>(g, x, w, default, bias, dense[i], scratch, direct);
            PrunedConvKernel.Run(g, x, w, bias, t, pruned[i], scratch, counts, stats[i], direct);
        }

        CollectionAssert.AreEqual(Bits(dense[1]), Bits(dense[0]), $"{name}: dense");
        CollectionAssert.AreEqual(Bits(pruned[1]), Bits(pruned[0]), $"{name}: pruned");
        Assert.AreEqual(stats[1].Executed, stats[0].Executed, $"{name}: executed");
        Assert.AreEqual(stats[1].SkippedZero, stats[0].SkippedZero, $"{name}: skipped (zero)");
        Assert.AreEqual(stats[1].SkippedThreshold, stats[0].SkippedThreshold, $"{name}: skipped (threshold)");
        Assert.AreEqual(stats[1].Comparisons, stats[0].Comparisons, $"{name}: comparisons");
        Assert.IsGreaterThan(0L, stats[0].Executed, $"{name}: some MACs must run");
        Assert.IsGreaterThan(0L, stats[0].SkippedThreshold, $"{name}: some MACs must be skipped");
    }

    [TestMethod]
    [DynamicData(nameof(Geometries))]
    public void Compensated_tiles_in_both_layouts_are_bit_identical_to_the_row_path(string name, ConvGeometry g)
    {
        var rng = new Random(name.Length * 13 + 5);
        (float[] x, float[] w, float[] bias) = RandomConv(g, rng, 0.25, 0.15);
        float[] t = w.Select(v => v == 0f ? float.PositiveInfinity : MathF.Abs(v) * 1.5f).ToArray();
        // A zero weight's constants are 0, as SkipCompensation makes them.
        float[] compensation = TestGraphs.Random(rng, 2 * w.Length, 0.1, 0.05f).Select((c, i) => w[i % w.Length] == 0f ? 0f : c).ToArray();
        var counts = new ConvWeightCounts(g, w);
        var scratch = new float[PrunedConvKernel.CompensatedScratchLength(g)];
        // The direct layout needs stride 1 in width.
        bool?[] paths = g.StrideW == 1 ? [null, false, true] : [null, false];
        var outputs = new List<float[]>();
        var stats = new List<LayerStatistics>();
        foreach (bool? direct in paths)
        {
            foreach (bool counting in new[] { true, false })
            {
                var output = new float[g.OutputSampleSize];
                LayerStatistics? s = counting ? new LayerStatistics("conv") : null;
                PrunedConvKernel.RunCompensated(g, x, w, bias, t, compensation, output, scratch, counts, s, direct);
                outputs.Add(output);
                if (s is not null)
                {
                    stats.Add(s);
                }
            }
        }
        var plain = new float[g.OutputSampleSize];
        PrunedConvKernel.Run(g, x, w, bias, t, plain, scratch, counts, null);

        for (int i = 1; i < outputs.Count; i++)
        {
            CollectionAssert.AreEqual(Bits(outputs[0]), Bits(outputs[i]), $"{name}: path {i / 2}, counting {i % 2 == 0}");
        }
        foreach (LayerStatistics s in stats)
        {
            Assert.AreEqual(stats[0].Executed, s.Executed, $"{name}: executed");
            Assert.AreEqual(stats[0].Compensations, s.Compensations, $"{name}: compensations");
        }
        Assert.IsGreaterThan(0L, stats[0].Compensations, $"{name}: some MACs must be compensated");
        Assert.IsTrue(outputs[0].Where((v, i) => v != plain[i]).Any(), $"{name}: the constants must change the output");
    }

    [TestMethod]
    [DataRow("exact", 0.3f, false)]
    [DataRow("exact", 0f, false)]
    [DataRow("exact", -0.2f, false)]
    [DataRow("bitshift", 0.3f, false)]
    [DataRow("binarytree", 0.5f, false)]
    [DataRow("bitmask", 0.1f, false)]
    [DataRow("exact", 0.3f, true)]
    [DataRow("bitshift", 0.3f, true)]
    [DataRow("binarytree", 0.5f, true)]
    public void Vectorized_fully_connected_gives_the_compare_loop_results_and_counts(string division, float threshold, bool compensated)
    {
        var rng = new Random(division.Length * 100 + (int)(threshold * 10) + (compensated ? 7 : 0));
        IDivisionApproximator d = DivisionApproximators.Create(division);
        foreach ((int k, int n) in new[] { (1, 1), (37, 10), (256, 10), (100, 33), (5, 16) })
        {
            float[] x = TestGraphs.Random(rng, k, 0.3);
            // Few distinct magnitudes, so weights meet their threshold exactly; some zero weights.
            float[] wt = TestGraphs.Random(rng, k * n, 0.2).Select(v => MathF.Round(v * 8) / 8).ToArray();
            float[] bias = TestGraphs.Random(rng, n, 0.2);
            var expected = new float[n];
            var actual = new float[n];
            var expectedStats = new LayerStatistics("fc");
            var actualStats = new LayerStatistics("fc");

            // Constants for both halves, 0 where the weight is 0 (as SkipCompensation makes them).
            float[] constants = compensated ? TestGraphs.Random(rng, 2 * k * n, 0.1, 0.05f).Select((c, i) => wt[i % wt.Length] == 0f ? 0f : c).ToArray() : [];
            PrunedFullyConnectedKernel.RunCompensated(x, wt, bias, [threshold], constants, d, expected, expectedStats);
            PrunedFullyConnectedKernel.RunMasked(x, PrunedFullyConnectedKernel.Padded(wt, k, n), bias, threshold, d, actual, actualStats,
                compensated ? PrunedFullyConnectedKernel.Padded(constants, 2 * k, n) : default);

            string at = $"{division} T={threshold} {k}x{n}";
            CollectionAssert.AreEqual(Bits(expected), Bits(actual), at);
            Assert.AreEqual(expectedStats.Executed, actualStats.Executed, $"{at} executed");
            Assert.AreEqual(expectedStats.SkippedThreshold, actualStats.SkippedThreshold, $"{at} skipped (threshold)");
            Assert.AreEqual(expectedStats.SkippedZero, actualStats.SkippedZero, $"{at} skipped (zero)");
            Assert.AreEqual(expectedStats.Comparisons, actualStats.Comparisons, $"{at} comparisons");
            Assert.AreEqual(expectedStats.WeightReads, actualStats.WeightReads, $"{at} weight reads");
            Assert.AreEqual(expectedStats.Division, actualStats.Division, $"{at} division operations");
            Assert.AreEqual(expectedStats.Compensations, actualStats.Compensations, $"{at} compensations");
        }
    }

    [TestMethod]
    public void Blend_and_AND_forms_agree_bit_for_bit_and_a_negative_zero_bias_keeps_the_AND_form()
    {
        var g = new ConvGeometry(2, 5, 1, 9, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2);
        var rng = new Random(99);
        float[] x = TestGraphs.Random(rng, g.InputSampleSize, 0.3);
        float[] w = TestGraphs.Random(rng, g.OutChannels * g.ColumnRows, 0.1, 0.5f);
        float[] t = w.Select(v => v == 0f ? float.PositiveInfinity : MathF.Abs(v) * 0.5f).ToArray();
        var scratch = new float[ConvKernel.ScratchLength(g)];
        // Channel 0 keeps nothing (every threshold +infinity): with a -0 bias the AND form adds (+0) * w and the blend form would not.
        Array.Fill(t, float.PositiveInfinity, 0, g.ColumnRows);
        foreach (float[] bias in new[] { TestGraphs.Random(rng, g.OutChannels, 0), [-0f, -0f, 0.25f, -0f, 1f] })
        {
            var blend = new float[g.OutputSampleSize];
            var and = new float[g.OutputSampleSize];
            var viaKernel = new float[g.OutputSampleSize];
            long blendExecuted = ConvKernel.RunTiles<TileKernel.PrunedCounting>(g, x, w, t, bias, blend, scratch, true);
            long andExecuted = ConvKernel.RunTiles<TileKernel.PrunedAndCounting>(g, x, w, t, bias, and, scratch, true);
            PrunedConvKernel.Run(g, x, w, bias, t, viaKernel, scratch, new ConvWeightCounts(g, w), null);

            Assert.AreEqual(andExecuted, blendExecuted);
            CollectionAssert.AreEqual(Bits(and), Bits(viaKernel), "the kernel must give the AND form's bits");
            bool negativeZero = bias.Any(b => b == 0f && float.IsNegative(b));
            int differing = Bits(and).Zip(Bits(blend)).Count(p => p.First != p.Second);
            Assert.AreEqual(negativeZero, differing > 0, "the forms differ exactly when a bias is -0");
        }
    }

    [TestMethod]
    [DataRow(24, 10)]
    [DataRow(34, 3)]
    [DataRow(16, 16)]
    [DataRow(7, 5)]
    public void Two_by_two_max_pool_takes_the_scalar_steps_with_NaN_and_signed_zeros(int inW, int inH)
    {
        var rng = new Random(inW * 31 + inH);
        const int channels = 3;
        float[] x = Enumerable.Range(0, channels * inH * inW).Select(_ => rng.Next(6) switch
        {
            0 => float.NaN,
            1 => 0f,
            2 => -0f,
            _ => (float)(rng.NextDouble() * 2 - 1),
        }).ToArray();
        var node = new PoolNode("pool", "x", "y", PoolKind.Max, [2, 2], [2, 2], [0, 0], [0, 0], [1, 1], false, false);
        int outH = inH / 2, outW = inW / 2;
        var expected = new float[channels * outH * outW];
        for (int c = 0; c < channels; c++)
        {
            for (int i = 0; i < outH * outW; i++)
            {
                int oh = i / outW, ow = i % outW;
                float acc = float.MinValue;
                foreach ((int kh, int kw) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
                {
                    float v = x[(c * inH + 2 * oh + kh) * inW + 2 * ow + kw];
                    acc = acc > v ? acc : v;
                }
                expected[c * outH * outW + i] = acc;
            }
        }
        var actual = new float[expected.Length];

        PoolKernel.Run(node, new Shape(1, channels, inH, inW), new Shape(1, channels, outH, outW), x, actual);

        CollectionAssert.AreEqual(Bits(expected), Bits(actual));
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    [TestMethod]
    [DynamicData(nameof(Geometries))]
    public void Fixed_point_runs_saturate_exactly_as_sequential_adds(string name, ConvGeometry g)
    {
        var rng = new Random(name.Length * 13 + 3);
        // Near-full-scale values, so accumulators overflow int32 and saturate mid-sum.
        short[] x = Enumerable.Range(0, g.InputSampleSize).Select(_ => rng.Next(5) == 0 ? (short)0 : (short)rng.Next(-32768, 32768)).ToArray();
        short[] w = Enumerable.Range(0, g.OutChannels * g.ColumnRows).Select(_ => rng.Next(7) == 0 ? (short)0 : (short)rng.Next(-32768, 32768)).ToArray();
        int[] bias = Enumerable.Range(0, g.OutChannels).Select(_ => rng.Next(int.MinValue, int.MaxValue)).ToArray();
        int[] t = w.Select(_ => rng.Next(0, 20000)).ToArray();
        (int[] expected, long executed, long skipped, long tested) = SequentialSaturating(g, x, w, bias, t);
        const int shift = 16;
        var actual = new short[g.OutputSampleSize];
        var stats = new LayerStatistics("conv");

        FixedPointConvKernel.Run(g, x, w, bias, t, shift, actual, new int[g.OutH * g.OutW], new short[g.ColumnsLength], Im2Col.InBoundsPerKernelPosition(g),
            Im2Col.InBoundsRowsPerKernelPosition(g), stats);

        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(FixedPointMath.Requantize(expected[i], shift), actual[i], $"{name} output {i}");
        }
        Assert.AreEqual(executed, stats.Executed, $"{name} executed");
        Assert.AreEqual(skipped, stats.SkippedThreshold, $"{name} skipped (threshold)");
        Assert.AreEqual(w.Length + tested, stats.Comparisons, $"{name} comparisons");
    }

    [TestMethod]
    [DynamicData(nameof(Geometries))]
    public void Fixed_point_compensated_runs_add_each_skip_constant_as_sequential_adds(string name, ConvGeometry g)
    {
        var rng = new Random(name.Length * 17 + 5);
        short[] x = Enumerable.Range(0, g.InputSampleSize).Select(_ => rng.Next(4) == 0 ? (short)0 : (short)rng.Next(-32768, 32768)).ToArray();
        short[] w = Enumerable.Range(0, g.OutChannels * g.ColumnRows).Select(_ => rng.Next(7) == 0 ? (short)0 : (short)rng.Next(-32768, 32768)).ToArray();
        int[] bias = Enumerable.Range(0, g.OutChannels).Select(_ => rng.Next(int.MinValue, int.MaxValue)).ToArray();
        int[] t = w.Select(_ => rng.Next(0, 30000)).ToArray();
        // Large constants too, so compensation adds saturate as well.
        int[] compensation = Enumerable.Range(0, 2 * w.Length).Select(_ => rng.Next(int.MinValue / 2, int.MaxValue / 2)).ToArray();
        (int[] expected, long executed, long skipped, _) = SequentialSaturating(g, x, w, bias, t, compensation);
        const int shift = 16;
        var actual = new short[g.OutputSampleSize];
        var stats = new LayerStatistics("conv");

        FixedPointConvKernel.RunCompensated(g, x, w, bias, t, compensation, shift, actual, new int[g.OutH * g.OutW], new short[g.ColumnsLength],
            Im2Col.InBoundsPerKernelPosition(g), Im2Col.InBoundsRowsPerKernelPosition(g), stats);

        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(FixedPointMath.Requantize(expected[i], shift), actual[i], $"{name} output {i}");
        }
        Assert.AreEqual(executed, stats.Executed, $"{name} executed");
        Assert.AreEqual(skipped, stats.SkippedThreshold, $"{name} skipped (threshold)");
        Assert.AreEqual(skipped, stats.Compensations, $"{name} compensations");
    }

    [TestMethod]
    public void Fixed_point_case_saturates_mid_sum()
    {
        // Guards the test above: on its first geometry, some accumulator must hit an int32 limit.
        var g = (ConvGeometry)Geometries().First()[1];
        var rng = new Random(7);
        short[] x = Enumerable.Range(0, g.InputSampleSize).Select(_ => (short)rng.Next(20000, 32768)).ToArray();
        short[] w = Enumerable.Range(0, g.OutChannels * g.ColumnRows).Select(_ => (short)rng.Next(20000, 32768)).ToArray();
        (int[] acc, _, _, _) = SequentialSaturating(g, x, w, new int[g.OutChannels].Select(_ => int.MaxValue - 5).ToArray(), new int[w.Length]);
        Assert.Contains(int.MaxValue, acc);
    }

    /// <summary>
    /// The device's semantics: per output, the products in (channel, kh, kw) order, each added with int32 saturation; with
    /// <paramref name="compensation"/>, a skipped nonzero activation adds its weight's constant for its sign instead.
    /// </summary>
    private static (int[] Acc, long Executed, long Skipped, long Tested) SequentialSaturating(ConvGeometry g, short[] x, short[] w, int[] bias, int[] t,
        int[]? compensation = null)
    {
        var y = new int[g.OutputSampleSize];
        long executed = 0, skipped = 0, tested = 0;
        for (int m = 0; m < g.OutChannels; m++)
        {
            int group = m / g.OutChannelsPerGroup;
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    int acc = bias[m];
                    for (int c = 0; c < g.InChannelsPerGroup; c++)
                    {
                        for (int kh = 0; kh < g.KernelH; kh++)
                        {
                            for (int kw = 0; kw < g.KernelW; kw++)
                            {
                                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                                int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                                int wi = ((m * g.InChannelsPerGroup + c) * g.KernelH + kh) * g.KernelW + kw;
                                bool inside = ih >= 0 && ih < g.InH && iw >= 0 && iw < g.InW;
                                int xv = inside ? x[((group * g.InChannelsPerGroup + c) * g.InH + ih) * g.InW + iw] : 0;
                                tested += inside && w[wi] != 0 ? 1 : 0;
                                if (xv == 0 || w[wi] == 0)
                                {
                                    continue;
                                }
                                if (Math.Abs(xv) > t[wi])
                                {
                                    acc = (int)Math.Clamp((long)acc + xv * w[wi], int.MinValue, int.MaxValue);
                                    executed++;
                                }
                                else
                                {
                                    skipped++;
                                    if (compensation is not null)
                                    {
                                        acc = (int)Math.Clamp((long)acc + compensation[(xv > 0 ? 0 : w.Length) + wi], int.MinValue, int.MaxValue);
                                    }
                                }
                            }
                        }
                    }
                    y[(m * g.OutH + oh) * g.OutW + ow] = acc;
                }
            }
        }
        return (y, executed, skipped, tested);
    }
}
