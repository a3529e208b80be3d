using UnIT.ML.Division;
using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;

namespace UnIT.ML.Tests.Kernels;

/// <summary>
/// The fast kernels (<see cref="ConvKernel.Dense"/>, <see cref="FullyConnectedKernel.Dense"/>, and the pruned kernels at
/// T = 0 through the engine) against the plain reference paths in src (<see cref="ConvKernel.Reference"/>,
/// <see cref="FullyConnectedKernel.Reference"/>), on random and edge-case shapes and data. Closeness is relative to the
/// output's scale |bias| + sum |x * w| (the reference run on magnitudes): float sums in another order differ by a few
/// ulps of that scale, not of a result that cancels to near zero.
/// </summary>
[TestClass]
public sealed class ReferenceKernelTests
{
    private const double Tolerance = 1e-5;

    public static IEnumerable<object[]> ConvGeometries()
    {
        // in C, out C, groups, in H, in W, kernel H, W, stride H, W, pads top, left, bottom, right, dilation H, W, rank
        yield return ["stride 2x1, asymmetric pads, dilation 1x2", new ConvGeometry(3, 4, 1, 9, 7, 3, 2, 2, 1, 1, 0, 1, 1, 1, 2, 2)];
        yield return ["two groups, pad 1", new ConvGeometry(4, 6, 2, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2)];
        yield return ["depthwise with multiplier 2, stride 2", new ConvGeometry(4, 8, 4, 9, 10, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 2)];
        yield return ["1x1, stride 2, no padding", new ConvGeometry(5, 3, 1, 7, 6, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 2)];
        yield return ["kernel larger than the input, all in padding at the corners", new ConvGeometry(2, 3, 1, 2, 3, 3, 4, 1, 1, 2, 2, 2, 2, 1, 1, 2)];
        yield return ["dilation 3 with pads 3, stride 3", new ConvGeometry(2, 2, 1, 11, 12, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2)];
        yield return ["1-D, stride 3, pads 2/0, dilation 2", new ConvGeometry(2, 3, 1, 1, 20, 1, 5, 1, 3, 0, 2, 0, 0, 1, 2, 1)];
        yield return ["1-D, 3 groups, kernel 1", new ConvGeometry(6, 3, 3, 1, 17, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1)];
    }

    public static IEnumerable<object[]> FullyConnectedSizes()
    {
        // input features, output neurons: below, at and above vector widths, and one long dot product
        foreach (int k in new[] { 1, 3, 8, 17, 64, 1000 })
        {
            yield return [k, k == 1000 ? 2 : 5];
        }
    }

    [TestMethod]
    [DynamicData(nameof(ConvGeometries))]
    public void Dense_conv_matches_the_reference_path(string name, ConvGeometry g)
    {
        var rng = new Random(name.Length);
        float[] w = TestGraphs.Random(rng, g.OutChannels * g.ColumnRows, 0.1, 0.5f);
        foreach ((string data, float[] x, float[] bias) in ConvData(rng, g))
        {
            float[] expected = ReferenceConv(g, x, w, bias);
            float[] scale = ReferenceConv(g, Abs(x), Abs(w), Abs(bias));
            float[] actual = Filled(g.OutputSampleSize, float.NaN);

            ConvKernel.Dense(g, x, w, bias, actual, new float[ConvKernel.ScratchLength(g)]);

            AssertClose(expected, actual, scale, $"{name}, {data}");
        }
    }

    [TestMethod]
    [DynamicData(nameof(ConvGeometries))]
    public void Pruned_conv_at_threshold_zero_matches_the_reference_path(string name, ConvGeometry g)
    {
        var rng = new Random(name.Length + 100);
        var weight = new Tensor(WeightShape(g), TestGraphs.Random(rng, g.OutChannels * g.ColumnRows, 0.1, 0.5f));
        float[] bias = TestGraphs.Random(rng, g.OutChannels, 0, 0.1f);
        int[] strides = g.SpatialRank == 2 ? [g.StrideH, g.StrideW] : [g.StrideW];
        int[] padsBegin = g.SpatialRank == 2 ? [g.PadTop, g.PadLeft] : [g.PadLeft];
        int[] padsEnd = g.SpatialRank == 2 ? [g.PadBottom, g.PadRight] : [g.PadRight];
        int[] dilations = g.SpatialRank == 2 ? [g.DilationH, g.DilationW] : [g.DilationW];
        var conv = new ConvNode("conv", "x", "y", weight, bias, strides, padsBegin, padsEnd, dilations, g.Groups);
        Shape input = g.SpatialRank == 2 ? new Shape(Shape.Dynamic, g.InChannels, g.InH, g.InW) : new Shape(Shape.Dynamic, g.InChannels, g.InW);
        var graph = new ModelGraph(new ValueInfo("x", input), [conv], ["y"]);
        Assert.AreEqual(g, conv.Geometry(input.WithBatch(1)), "the node describes the same convolution");
        float[] x = TestGraphs.Random(rng, g.InputSampleSize, 0.3);
        foreach (string division in DivisionApproximators.Names)
        {
            var config = new PruningConfiguration
            {
                Thresholds = new ThresholdSet { Layers = { ["conv"] = [0f] } },
                Division = DivisionApproximators.Create(division),
            };
            var stats = new InferenceStatistics();

            float[] actual = new InferenceEngine(graph, config).Run(new Tensor(input.WithBatch(1), x), stats).Data;

            Assert.AreEqual(0, stats.SkippedThreshold, $"{name}, {division}: T = 0 skips nothing by threshold");
            AssertClose(ReferenceConv(g, x, weight.Data, bias), actual, ReferenceConv(g, Abs(x), Abs(weight.Data), Abs(bias)), $"{name}, {division}");
        }
    }

    [TestMethod]
    [DynamicData(nameof(FullyConnectedSizes))]
    public void Dense_fully_connected_matches_the_reference_path(int k, int n)
    {
        var rng = new Random(k * 31 + n);
        float[] w = TestGraphs.Random(rng, n * k, 0.1, 0.5f);
        foreach ((string data, float[] x, float[] bias) in FullyConnectedData(rng, k, n))
        {
            float[] expected = ReferenceFullyConnected(x, w, bias, n);
            float[] scale = ReferenceFullyConnected(Abs(x), Abs(w), Abs(bias), n);
            float[] actual = Filled(n, float.NaN);

            FullyConnectedKernel.Dense(x, w, bias, actual);

            AssertClose(expected, actual, scale, $"K = {k}, N = {n}, {data}");
        }
    }

    [TestMethod]
    [DynamicData(nameof(FullyConnectedSizes))]
    public void Pruned_fully_connected_at_threshold_zero_matches_the_reference_path(int k, int n)
    {
        var rng = new Random(k * 37 + n);
        var weight = new Tensor(new Shape(n, k), TestGraphs.Random(rng, n * k, 0.1, 0.5f));
        float[] bias = TestGraphs.Random(rng, n, 0, 0.1f);
        var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, k)), [new FullyConnectedNode("fc", "x", "y", weight, bias)], ["y"]);
        float[] x = TestGraphs.Random(rng, k, 0.3);
        foreach (string division in DivisionApproximators.Names)
        {
            var config = new PruningConfiguration
            {
                Thresholds = new ThresholdSet { Layers = { ["fc"] = [0f] } },
                Division = DivisionApproximators.Create(division),
            };
            var stats = new InferenceStatistics();

            float[] actual = new InferenceEngine(graph, config).Run(new Tensor(new Shape(1, k), x), stats).Data;

            Assert.AreEqual(0, stats.SkippedThreshold, $"K = {k}, {division}: T = 0 skips nothing by threshold");
            AssertClose(ReferenceFullyConnected(x, weight.Data, bias, n), actual, ReferenceFullyConnected(Abs(x), Abs(weight.Data), Abs(bias), n), $"K = {k}, {division}");
        }
    }

    /// <summary>Random data with zeros; no bias; an all-zero input; large and tiny magnitudes mixed in one sample.</summary>
    private static IEnumerable<(string Name, float[] X, float[] Bias)> ConvData(Random rng, ConvGeometry g)
    {
        float[] bias = TestGraphs.Random(rng, g.OutChannels, 0, 0.1f);
        yield return ("random with zeros", TestGraphs.Random(rng, g.InputSampleSize, 0.3), bias);
        yield return ("no bias", TestGraphs.Random(rng, g.InputSampleSize, 0.3), []);
        yield return ("all-zero input", new float[g.InputSampleSize], bias);
        yield return ("mixed magnitudes", WideRange(rng, g.InputSampleSize), bias);
    }

    private static IEnumerable<(string Name, float[] X, float[] Bias)> FullyConnectedData(Random rng, int k, int n)
    {
        float[] bias = TestGraphs.Random(rng, n, 0, 0.1f);
        yield return ("random with zeros", TestGraphs.Random(rng, k, 0.3), bias);
        yield return ("no bias", TestGraphs.Random(rng, k, 0.3), []);
        yield return ("all-zero input", new float[k], bias);
        yield return ("mixed magnitudes", WideRange(rng, k), bias);
    }

    /// <summary>Values from 1e-6 to 1e6 in magnitude, both signs.</summary>
    private static float[] WideRange(Random rng, int n) =>
        Enumerable.Range(0, n).Select(_ => (float)((rng.Next(2) * 2 - 1) * Math.Pow(10, rng.NextDouble() * 12 - 6))).ToArray();

    private static Shape WeightShape(ConvGeometry g) => g.SpatialRank == 2
        ? new Shape(g.OutChannels, g.InChannelsPerGroup, g.KernelH, g.KernelW)
        : new Shape(g.OutChannels, g.InChannelsPerGroup, g.KernelW);

    private static float[] ReferenceConv(ConvGeometry g, float[] x, float[] w, float[] bias)
    {
        float[] y = Filled(g.OutputSampleSize, float.NaN);
        ConvKernel.Reference(g, x, w, bias, y);
        return y;
    }

    private static float[] ReferenceFullyConnected(float[] x, float[] w, float[] bias, int n)
    {
        float[] y = Filled(n, float.NaN);
        FullyConnectedKernel.Reference(x, w, bias, y);
        return y;
    }

    private static float[] Abs(float[] a) => a.Select(MathF.Abs).ToArray();

    private static float[] Filled(int n, float v) => Enumerable.Repeat(v, n).ToArray();

    private static void AssertClose(float[] expected, float[] actual, float[] scale, string what)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.IsTrue(float.IsFinite(expected[i]), $"{what}: reference output {i} is {expected[i]}");
            double error = Math.Abs((double)actual[i] - expected[i]);
            Assert.IsTrue(error <= Tolerance * scale[i], $"{what}: output {i} is {actual[i]}, reference {expected[i]} (scale {scale[i]})");
        }
    }
}
