using UnIT.ML.Data;
using UnIT.ML.Division;
using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.Onnx;

namespace UnIT.ML.Tests.Kernels;

/// <summary>The pruned kernels against the MAC-by-MAC oracle on the real inputs every layer of the trained Fashion-MNIST model sees.</summary>
[TestClass]
public sealed class RealInputKernelTests
{
    private sealed class LayerInputs : IEngineObserver
    {
        public Dictionary<string, float[]> Inputs { get; } = new();

        public void OnLayerInput(PrunableNode layer, float[] input, Shape shape) => Inputs[layer.Name] = (float[])input.Clone();

        public void OnValue(string name, float[] data)
        {
        }
    }

    public static IEnumerable<object[]> Approximators => DivisionApproximators.Names.Select(n => new object[] { n });

    [TestMethod]
    [DynamicData(nameof(Approximators))]
    public void Every_layer_matches_the_oracle_on_real_activations(string division)
    {
        (ModelGraph model, Dictionary<string, float[]> inputs, ThresholdSet calibrated) = RealModel();
        IDivisionApproximator approx = DivisionApproximators.Create(division);

        foreach (PrunableNode layer in model.PrunableLayers)
        {
            Shape inShape = model.ShapeOf(layer.Input).WithBatch(1);
            var single = new ModelGraph(new ValueInfo("x", model.ShapeOf(layer.Input)), [Rewire(layer)], ["y"]);
            float[] t = calibrated.Layers[layer.Name];
            var config = new PruningConfiguration { Thresholds = new ThresholdSet { Layers = { [layer.Name] = t } }, Division = approx };
            var stats = new InferenceStatistics();
            float[] x = inputs[layer.Name];
            float[] y = new InferenceEngine(single, config).Run(new Tensor(inShape, x), stats).Data;

            SkipRuleReference.Result r = layer is ConvNode conv
                ? SkipRuleReference.Conv(conv.Geometry(inShape), x, conv.Weight.Data, conv.Bias, t, approx)
                : SkipRuleReference.FullyConnected(x, layer.Weight.Data, layer.Bias, layer.OutputChannels, t, approx);
            for (int i = 0; i < y.Length; i++)
            {
                Assert.AreEqual(r.Output[i], y[i], 1e-4, $"{layer.Name} output {i}");
            }
            LayerStatistics ls = stats.Layers.Single();
            Assert.AreEqual(r.Executed, ls.Executed, layer.Name);
            Assert.AreEqual(r.SkippedZero, ls.SkippedZero, layer.Name);
            Assert.AreEqual(r.SkippedThreshold, ls.SkippedThreshold, layer.Name);
        }
    }

    [TestMethod]
    [DataRow("bitshift")]
    [DataRow("binarytree")]
    public void Fixed_point_convolutions_are_bit_exact_on_real_activations(string division)
    {
        (ModelGraph model, Dictionary<string, float[]> inputs, ThresholdSet calibrated) = RealModel();
        QuantizationPlan q = calibrated.Quantization!;
        IDivisionApproximator approx = DivisionApproximators.Create(division);

        foreach (ConvNode conv in model.PrunableLayers.OfType<ConvNode>())
        {
            int inBits = q.ValueBits(conv.Input), weightBits = q.WeightBits(conv.Name), outBits = q.ValueBits(conv.Output);
            var plan = new QuantizationPlan { Values = { ["x"] = inBits, ["y"] = outBits }, Weights = { [conv.Name] = weightBits } };
            Shape inShape = model.ShapeOf(conv.Input).WithBatch(1);
            var single = new ModelGraph(new ValueInfo("x", model.ShapeOf(conv.Input)), [Rewire(conv)], ["y"]);
            float t = calibrated.Layers[conv.Name][0];
            var config = new PruningConfiguration
            {
                Thresholds = new ThresholdSet { Layers = { [conv.Name] = [t] } },
                Division = approx,
                Numerics = UnIT.ML.Targets.NumericFormat.FixedPoint16,
                Quantization = plan,
            };
            float[] x = inputs[conv.Name];
            var stats = new InferenceStatistics();
            float[] y = new InferenceEngine(single, config).Run(new Tensor(inShape, x), stats).Data;

            static short Q(float v, int bits) => (short)Math.Clamp(Math.Round(v * Math.Pow(2, bits), MidpointRounding.AwayFromZero), short.MinValue, short.MaxValue);
            int productBits = inBits + weightBits;
            var (acc, exec, thr) = SkipRuleReference.FixedConv(conv.Geometry(inShape), x.Select(v => Q(v, inBits)).ToArray(),
                conv.Weight.Data.Select(v => Q(v, weightBits)).ToArray(),
                conv.Bias!.Select(v => (int)Math.Round(v * Math.Pow(2, productBits), MidpointRounding.AwayFromZero)).ToArray(),
                [(int)Math.Round(t * Math.Pow(2, productBits), MidpointRounding.AwayFromZero)], approx);
            int shift = productBits - outBits;
            for (int i = 0; i < acc.Length; i++)
            {
                long expected = Math.Clamp((acc[i] + (1L << (shift - 1))) >> shift, short.MinValue, short.MaxValue);
                Assert.AreEqual((float)(expected * Math.Pow(2, -outBits)), y[i], $"{conv.Name} output {i}");
            }
            Assert.AreEqual(exec, stats.Executed, conv.Name);
            Assert.AreEqual(thr, stats.SkippedThreshold, conv.Name);
        }
    }

    /// <summary>The trained model, each prunable layer's input for one real test image, and thresholds at p = 50.</summary>
    private static (ModelGraph Model, Dictionary<string, float[]> Inputs, ThresholdSet Calibrated) RealModel()
    {
        string assets = Path.Combine(AppContext.BaseDirectory, "assets");
        ModelGraph model = OnnxImporter.Import(Path.Combine(assets, "models", "fashion_mnist_cnn.onnx"));
        SampleSet images = IdxReader.ReadImages(Path.Combine(assets, "data", "fashion-mnist", "test-500-images-idx3-ubyte.gz"), limit: 1);
        var observer = new LayerInputs();
        new InferenceEngine(model).RunObserved(images.ToTensor(model.Input.Shape), observer);
        ThresholdSet calibrated = Calibrator.Calibrate(model,
            [IdxReader.ReadImages(Path.Combine(assets, "data", "fashion-mnist", "train-55000-55999-images-idx3-ubyte.gz"), limit: 100).ToTensor(model.Input.Shape)],
            new CalibrationOptions { Percentile = 50 });
        return (model, observer.Inputs, calibrated);
    }

    private static PrunableNode Rewire(PrunableNode layer) => layer switch
    {
        ConvNode c => new ConvNode(c.Name, "x", "y", c.Weight, c.Bias, c.Strides, c.PadsBegin, c.PadsEnd, c.Dilations, c.Groups),
        FullyConnectedNode f => new FullyConnectedNode(f.Name, "x", "y", f.Weight, f.Bias),
        _ => throw new ArgumentException(layer.OpName),
    };
}
