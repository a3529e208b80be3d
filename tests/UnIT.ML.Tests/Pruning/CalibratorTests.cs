using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.Kernels;

namespace UnIT.ML.Tests.Pruning;

[TestClass]
public sealed class CalibratorTests
{
    /// <summary>Brute force: every nonzero |x*w| of the single conv layer, sorted, nearest rank.</summary>
    private static float BruteForce(ModelGraph graph, float[] x, int batch, double p, int? channel = null)
    {
        var conv = (ConvNode)graph.PrunableLayers[0];
        ConvGeometry g = conv.Geometry(graph.Input.Shape.WithBatch(1));
        var products = new List<float>();
        for (int s = 0; s < batch; s++)
        {
            for (int m = 0; m < g.OutChannels; m++)
            {
                if (channel is { } only && only != m)
                {
                    continue;
                }
                for (int oh = 0; oh < g.OutH; oh++)
                {
                    for (int ow = 0; ow < g.OutW; ow++)
                    {
                        for (int c = 0; c < g.InChannelsPerGroup; c++)
                        {
                            for (int kh = 0; kh < g.KernelH; kh++)
                            {
                                for (int kw = 0; kw < g.KernelW; kw++)
                                {
                                    int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH, iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                                    if (ih < 0 || ih >= g.InH || iw < 0 || iw >= g.InW)
                                    {
                                        continue;
                                    }
                                    float xv = x[s * g.InputSampleSize + (c * g.InH + ih) * g.InW + iw];
                                    float wv = conv.Weight.Data[((m * g.InChannelsPerGroup + c) * g.KernelH + kh) * g.KernelW + kw];
                                    if (xv != 0f && wv != 0f)
                                    {
                                        products.Add(MathF.Abs(xv * wv));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        products.Sort();
        int rank = Math.Max(0, (int)Math.Ceiling(p / 100 * products.Count) - 1);
        return products[rank];
    }

    [TestMethod]
    [DataRow(0.0)]
    [DataRow(10.0)]
    [DataRow(50.0)]
    [DataRow(77.7)]
    [DataRow(100.0)]
    public void Layer_threshold_is_the_exact_nearest_rank_percentile(double p)
    {
        var rng = new Random(21);
        ModelGraph graph = TestGraphs.Conv(1, 2, 10, 10, 3, 3, 3, [1, 1], [1, 1], [1, 1], [1, 1], 1, rng);
        float[] x = TestGraphs.Random(rng, 5 * graph.InputSampleSize, 0.3);
        var batches = new[] { new Tensor(graph.Input.Shape.WithBatch(3), x[..(3 * graph.InputSampleSize)]), new Tensor(graph.Input.Shape.WithBatch(2), x[(3 * graph.InputSampleSize)..]) };

        ThresholdSet set = Calibrator.Calibrate(graph, batches, new CalibrationOptions { Percentile = p });

        Assert.AreEqual(BruteForce(graph, x, 5, p), set.Layers["conv"].Single());
        Assert.AreEqual(5, set.CalibrationSamples);
        Assert.AreEqual(p, set.Percentile);
    }

    [TestMethod]
    public void Group_wise_thresholds_are_percentiles_of_each_output_channel()
    {
        var rng = new Random(4);
        ModelGraph graph = TestGraphs.Conv(1, 2, 8, 8, 4, 3, 3, [1, 1], [0, 0], [0, 0], [1, 1], 1, rng);
        float[] x = TestGraphs.Random(rng, 2 * graph.InputSampleSize, 0.2);

        ThresholdSet set = Calibrator.Calibrate(graph, [new Tensor(graph.Input.Shape.WithBatch(2), x)], new CalibrationOptions { Percentile = 40, GroupWise = true });

        float[] t = set.Layers["conv"];
        Assert.AreEqual(4, t.Length);
        for (int m = 0; m < 4; m++)
        {
            Assert.AreEqual(BruteForce(graph, x, 2, 40, m), t[m], $"channel {m}");
        }
    }

    [TestMethod]
    public void Threshold_set_round_trips_through_json_and_rejects_other_versions()
    {
        var set = new ThresholdSet { Method = "percentile", Percentile = 50, Layers = { ["conv1"] = [0.25f], ["fc"] = [0.5f, 1.5f] }, Division = "bitshift", Profile = "msp430" };

        ThresholdSet back = ThresholdSet.FromJson(set.ToJson());

        CollectionAssert.AreEqual(set.Layers["fc"], back.Layers["fc"]);
        Assert.AreEqual("bitshift", back.Division);
        string future = set.ToJson().Replace("\"format_version\": 1", "\"format_version\": 99");
        FormatException e = Assert.ThrowsExactly<FormatException>(() => ThresholdSet.FromJson(future));
        StringAssert.Contains(e.Message, "version 99");
    }

    [TestMethod]
    public void Magnitude_pruning_zeroes_the_requested_fraction_of_smallest_weights()
    {
        var rng = new Random(8);
        ModelGraph graph = TestGraphs.Conv(1, 2, 8, 8, 4, 3, 3, [1, 1], [0, 0], [0, 0], [1, 1], 1, rng);
        float[] before = graph.PrunableLayers[0].Weight.Data;

        ModelGraph pruned = MagnitudePruning.Apply(graph, 0.5);

        float[] after = pruned.PrunableLayers[0].Weight.Data;
        int zeros = after.Count(v => v == 0f);
        Assert.AreEqual((int)Math.Round(0.5 * after.Length), zeros);
        float largestPruned = before.Where((v, i) => after[i] == 0f).Max(MathF.Abs);
        float smallestKept = after.Where(v => v != 0f).Min(MathF.Abs);
        Assert.IsTrue(largestPruned <= smallestKept);
        Assert.AreNotSame(before, after, "the original graph is left untouched");
    }
}
