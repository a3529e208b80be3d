using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.ML.Tests.Pruning;

/// <summary>
/// The fixed-point profile accumulates in int32 in the product's Q format. Layers whose outputs are sums of many
/// products (here about 10x the largest single product) must not saturate their accumulators: calibration has to
/// choose Q formats with room for the outputs it sees, or the emulation gives plausible wrong numbers.
/// </summary>
[TestClass]
public sealed class AccumulatorHeadroomTests
{
    private static float[] Uniform(int seed, int count, float low, float high)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => low + (high - low) * (float)rng.NextDouble()).ToArray();
    }

    /// <summary>A 3x3 conv over 16 channels and a 64-input FC, all weights positive-leaning so that sums grow with fan-in.</summary>
    private static ModelGraph WideSums()
    {
        var conv = new ConvNode("conv", "x", "c", new Tensor(new Shape(8, 16, 3, 3), Uniform(1, 8 * 16 * 9, -0.1f, 0.5f)), Uniform(2, 8, -0.1f, 0.1f),
            [1, 1], [0, 0], [0, 0], [1, 1], 1);
        var flatten = new FlattenNode("flat", "c", "f", 1);
        var fc = new FullyConnectedNode("fc", "f", "y", new Tensor(new Shape(4, 8 * 4 * 4), Uniform(3, 4 * 128, -0.1f, 0.5f)), null);
        return new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 16, 6, 6)), [conv, flatten, fc], ["y"]);
    }

    [TestMethod]
    public void FixedPointOutputsOfLongSumsStayCloseToFloat()
    {
        ModelGraph graph = WideSums();
        var calibration = new Tensor(new Shape(32, 16, 6, 6), Uniform(4, 32 * 576, 0f, 1f));
        var test = new Tensor(new Shape(16, 16, 6, 6), Uniform(5, 16 * 576, 0f, 1f));
        QuantizationPlan plan = Calibrator.CalibrateQuantization(graph, [calibration]);

        float[] exact = new InferenceEngine(graph).Run(test).Data;
        float[] fixedPoint = new InferenceEngine(graph, new PruningConfiguration { Numerics = NumericFormat.FixedPoint16, Quantization = plan }).Run(test).Data;

        float scale = exact.Max(MathF.Abs);
        Assert.IsTrue(scale > 40, $"the test needs long sums (largest output {scale})");
        for (int i = 0; i < exact.Length; i++)
        {
            Assert.AreEqual(exact[i], fixedPoint[i], 2e-3 * scale, $"output {i}: fixed point {fixedPoint[i]} against float {exact[i]}");
        }
    }

    [TestMethod]
    public void EveryAccumulatorHoldsFourTimesTheLargestCalibratedOutput()
    {
        ModelGraph graph = WideSums();
        var calibration = new Tensor(new Shape(32, 16, 6, 6), Uniform(4, 32 * 576, 0f, 1f));
        QuantizationPlan plan = Calibrator.CalibrateQuantization(graph, [calibration]);
        var values = new Dictionary<string, float>();
        new InferenceEngine(graph).RunObserved(calibration, new MaxObserver(values));

        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            double accumulatorRange = Math.ScaleB(1.0, 31 - plan.ValueBits(layer.Input) - plan.WeightBits(layer.Name));
            Assert.IsTrue(accumulatorRange >= 4 * values[layer.Output], $"{layer.Name}: accumulator range {accumulatorRange} for outputs up to {values[layer.Output]}");
            Assert.IsTrue(layer.Weight.Data.Max(MathF.Abs) * Math.ScaleB(1.0, plan.WeightBits(layer.Name)) >= 512, $"{layer.Name}: weights keep 10 significant bits");
        }
        plan.Validate(graph);
    }

    [TestMethod]
    public void A_model_no_int16_format_fits_still_calibrates_in_float_and_the_fixed_point_profile_names_the_value()
    {
        // Inputs up to 1e7: more than 32767 * 2^8, so even Q(-8) would saturate the graph input (a plausible wrong number).
        ModelGraph graph = WideSums();
        var calibration = new Tensor(new Shape(8, 16, 6, 6), Uniform(4, 8 * 576, 0f, 1e7f));

        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = "float32", Percentile = 50 }, [calibration]);
        Assert.IsNull(Calibrator.Calibrate(graph, [calibration], new CalibrationOptions { Percentile = 50 }).Quantization, "no Q formats fit, so none are recorded");
        Assert.IsNull(Calibrator.CalibrateHistogram(graph, [calibration], new CalibrationOptions()).Quantization);
        Assert.IsTrue(model.Engine.Run(calibration).Data.All(float.IsFinite));

        var e = Assert.ThrowsExactly<ArgumentException>(() => PrunedModel.Create(graph, new PruningOptions { Profile = "msp430", Percentile = 50 }, [calibration]));
        StringAssert.Contains(e.Message, "Value 'x' reaches");
        StringAssert.Contains(e.Message, "coarsest Q format");
    }

    private sealed class MaxObserver(Dictionary<string, float> values) : IEngineObserver
    {
        public void OnLayerInput(PrunableNode layer, float[] input, Shape shape)
        {
        }

        public void OnValue(string name, float[] data) => values[name] = Math.Max(values.GetValueOrDefault(name), data.Max(MathF.Abs));
    }
}
