using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.Kernels;

namespace UnIT.ML.Tests.Oracles;

/// <summary>
/// The counts that price a convolution the C runs by its tested loop (<see cref="LayerStatistics.ConvOutputs"/>,
/// <see cref="LayerStatistics.LoopTests"/> and the rows) against their definitions: one output per output channel and position; one
/// test per in-bounds operand of each nonzero weight, except, in int16 without skip compensation, for a weight whose
/// threshold no operand can pass (t &gt; 32767), whose rows the C skips without a test.
/// </summary>
[TestClass]
public sealed class TestedLoopCountOracleTests
{
    [TestMethod]
    public void A_fixed_point_convolution_leaves_out_the_tests_of_weights_no_operand_passes()
    {
        // 2 channels 7x7, 3 outputs, 3x3 kernel, stride 2, padding 1: 3 x 4 x 4 outputs.
        ModelGraph graph = TestGraphs.Conv(1, 2, 7, 7, 3, 3, 3, [2, 2], [1, 1], [1, 1], [1, 1], 1, new Random(4));
        ConvGeometry g = ((ConvNode)graph.PrunableLayers.Single()).Geometry(graph.Input.Shape.WithBatch(1));
        short[] weight = [.. Enumerable.Range(0, 54).Select(i => (short)(i % 5 == 0 ? 0 : 100 + i))];
        // Some thresholds pass no int16 (> 32767), one sits at the edge (32767: -32768 still passes it).
        int[] thresholds = [.. Enumerable.Range(0, 54).Select(i => i == 3 ? 32767 : i % 7 == 0 ? 40000 : 50)];
        var rng = new Random(9);
        short[] input = [.. Enumerable.Range(0, 2 * 7 * 7).Select(_ => (short)rng.Next(-300, 301))];
        var stats = new LayerStatistics("conv");

        FixedPointConvKernel.Run(g, input, weight, new int[3], thresholds, 0, new short[3 * 16], new int[16], new short[g.ColumnsLength],
            Im2Col.InBoundsPerKernelPosition(g), Im2Col.InBoundsRowsPerKernelPosition(g), stats);

        long reads = 0, tests = 0, rows = 0;
        for (int i = 0; i < weight.Length; i++)
        {
            long inBounds = InBounds(i % 9 / 3, i % 3);
            bool run = weight[i] != 0 && thresholds[i] <= 32767;
            reads += weight[i] != 0 ? inBounds : 0;
            tests += run ? inBounds : 0;
            rows += run ? Rows(i % 9 / 3, 7, 4) : 0;
        }
        Assert.AreEqual(3 * 16, stats.ConvOutputs);
        Assert.AreEqual(reads, stats.ActivationReads);
        Assert.AreEqual(tests, stats.LoopTests);
        Assert.AreEqual(rows, stats.LoopRows);
        Assert.AreEqual(3 * 2 * 3 * 4, stats.RowSearches, "every output row of every (output, input channel, kernel row)");
        Assert.IsLessThan(reads, tests, "the case should leave some weights' tests out");

        // With compensation every nonzero weight's operands are visited: the skipped ones add their constants.
        var compensated = new LayerStatistics("conv");
        FixedPointConvKernel.RunCompensated(g, input, weight, new int[3], thresholds, new int[2 * 54], 0, new short[3 * 16], new int[16],
            new short[g.ColumnsLength], Im2Col.InBoundsPerKernelPosition(g), Im2Col.InBoundsRowsPerKernelPosition(g), compensated);
        Assert.AreEqual(reads, compensated.LoopTests);
    }

    [TestMethod]
    public void A_float_convolution_tests_every_operand_of_its_nonzero_weights()
    {
        var rng = new Random(6);
        ModelGraph graph = TestGraphs.Conv(2, 3, 9, 7, 4, 3, 3, [2, 2], [1, 1], [1, 1], [1, 1], 1, rng);
        float[] x = TestGraphs.Random(rng, 2 * 3 * 9 * 7, 0.3);
        var set = new ThresholdSet { Layers = { ["conv"] = [0.05f] } };
        var all = new InferenceStatistics();
        new InferenceEngine(graph, new PruningConfiguration { Thresholds = set }).Run(new Tensor(graph.Input.Shape.WithBatch(2), x), all);
        LayerStatistics s = all.Layers.Single();

        Assert.AreEqual(2 * 4 * 5 * 4, s.ConvOutputs);
        Assert.IsGreaterThan(0L, s.LoopTests);
        Assert.AreEqual(s.ActivationReads, s.LoopTests);
        float[] w = ((ConvNode)graph.PrunableLayers.Single()).Weight.Data;
        Assert.AreEqual(2 * 4 * 3 * 3 * 5, s.RowSearches);
        Assert.AreEqual(2 * Enumerable.Range(0, w.Length).Where(i => w[i] != 0f).Sum(i => Rows(i % 9 / 3, 9, 5)), s.LoopRows);
    }

    /// <summary>Output rows (of <paramref name="outH"/>) whose input row under kernel row kh (stride 2, padding 1) lies inside <paramref name="inH"/> rows.</summary>
    private static long Rows(int kh, int inH, int outH) => Enumerable.Range(0, outH).Count(oh => oh * 2 - 1 + kh is var ih && ih >= 0 && ih < inH);

    /// <summary>Output positions (4 x 4) whose input under kernel position (kh, kw) lies inside the 7 x 7 input.</summary>
    private static long InBounds(int kh, int kw)
    {
        long n = 0;
        for (int oh = 0; oh < 4; oh++)
        {
            for (int ow = 0; ow < 4; ow++)
            {
                int ih = oh * 2 - 1 + kh, iw = ow * 2 - 1 + kw;
                n += ih is >= 0 and < 7 && iw is >= 0 and < 7 ? 1 : 0;
            }
        }
        return n;
    }
}
