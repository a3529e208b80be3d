using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.Kernels;

namespace UnIT.ML.Tests.Pruning;

/// <summary>NaN and infinity propagate through pruned float layers (never "skipped" into finite output); a number is required in calibration and fixed point.</summary>
[TestClass]
public sealed class NonFiniteInputTests
{
    private static (ModelGraph Graph, Tensor Calibration) Model(bool fullyConnected)
    {
        var rng = new Random(17);
        ModelGraph graph = fullyConnected ? TestGraphs.FullyConnected(30, 8, rng) : TestGraphs.Conv(1, 2, 8, 8, 3, 3, 3, [1, 1], [1, 1], [1, 1], [1, 1], 1, rng);
        return (graph, new Tensor(graph.Input.Shape.WithBatch(4), TestGraphs.Random(rng, 4 * graph.InputSampleSize, 0.2)));
    }

    public static IEnumerable<object[]> Cases =>
        from fc in new[] { false, true }
        from division in DivisionApproximators.Names
        select new object[] { fc, division };

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void A_nan_input_gives_nan_outputs_where_the_dense_reference_does(bool fullyConnected, string division)
    {
        (ModelGraph graph, Tensor calibration) = Model(fullyConnected);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Percentile = 90, Division = division }, [calibration]);
        float[] x = (float[])calibration.Data[..(2 * graph.InputSampleSize)].Clone();
        x[3] = float.NaN;
        Array.Fill(x, float.NaN, graph.InputSampleSize, graph.InputSampleSize);
        var input = new Tensor(graph.Input.Shape.WithBatch(2), x);

        float[] pruned = model.Engine.Run(input, new InferenceStatistics()).Data;
        float[] dense = new UnIT.ML.Engine.InferenceEngine(graph).Run(input).Data;

        Assert.IsTrue(pruned.Any(float.IsNaN), "the NaN pixel reaches the output");
        for (int i = 0; i < dense.Length; i++)
        {
            Assert.AreEqual(float.IsNaN(dense[i]), float.IsNaN(pruned[i]), $"output {i}: NaN where and only where the dense layer has it");
        }
        Assert.IsTrue(pruned[(pruned.Length / 2)..].All(float.IsNaN), "an all-NaN row gives all-NaN outputs");
    }

    [TestMethod]
    public void Nan_or_infinity_in_calibration_data_is_refused_naming_the_sample()
    {
        (ModelGraph graph, Tensor calibration) = Model(fullyConnected: false);
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity })
        {
            float[] x = (float[])calibration.Data.Clone();
            x[2 * graph.InputSampleSize + 5] = bad;

            var e = Assert.ThrowsExactly<ArgumentException>(() =>
                Calibrator.Calibrate(graph, [new Tensor(calibration.Shape, x)], new CalibrationOptions { Percentile = 50 }));
            StringAssert.Contains(e.Message, "sample 2");
            Assert.ThrowsExactly<ArgumentException>(() => Calibrator.CalibrateQuantization(graph, [new Tensor(calibration.Shape, x)]));
        }
    }

    [TestMethod]
    public void Fixed_point_inference_refuses_nan_input()
    {
        (ModelGraph graph, Tensor calibration) = Model(fullyConnected: true);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = "msp430" }, [calibration]);
        float[] x = (float[])calibration.Data.Clone();
        x[graph.InputSampleSize + 1] = float.NaN;

        var e = Assert.ThrowsExactly<ArgumentException>(() => model.Engine.Run(new Tensor(calibration.Shape, x)));
        StringAssert.Contains(e.Message, "Sample 1");
    }
}
