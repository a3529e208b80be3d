using UnIT.ML.Data;
using UnIT.ML.Division;
using UnIT.ML.Evaluation;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.Onnx;

namespace UnIT.ML.Tests.Pruning;

/// <summary>
/// Skip decisions of MACs whose product ties with the threshold must not depend on rounding: on 8-bit
/// images the trained Fashion-MNIST model meets such ties by the million.
/// </summary>
[TestClass]
public sealed class TieRobustnessTests
{
    private static readonly Lazy<(ModelGraph Model, SampleSet Calibration, SampleSet Test)> Data = new(() =>
    {
        string assets = Path.Combine(AppContext.BaseDirectory, "assets");
        return (OnnxImporter.Import(Path.Combine(assets, "models", "fashion_mnist_cnn.onnx")),
            IdxReader.ReadImages(Path.Combine(assets, "data", "fashion-mnist", "train-55000-55999-images-idx3-ubyte.gz"), limit: 100),
            IdxReader.ReadImages(Path.Combine(assets, "data", "fashion-mnist", "test-500-images-idx3-ubyte.gz"), limit: 200));
    });

    public static IEnumerable<object[]> Cases =>
        from profile in new[] { "float32", "max78000", "msp430" }
        from division in DivisionApproximators.Names
        from p in new[] { 60.0, 85.0 }
        select new object[] { profile, division, p };

    /// <summary>The readers give byte / 255; the same pixels as byte * (1/255) differ in the last bit for about half the bytes.</summary>
    private static Tensor Renormalized(SampleSet set, Shape shape)
    {
        Tensor t = set.ToTensor(shape);
        const float inverse = 1f / 255f;
        float[] data = t.Data.Select(v => (int)MathF.Round(v * 255f) * inverse).ToArray();
        Assert.IsTrue(data.Where((v, i) => v != t.Data[i]).Any(), "the two normalizations must differ somewhere for this test to mean anything");
        return new Tensor(t.Shape, data);
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Dividing_or_multiplying_by_255_gives_the_same_counts_and_predictions(string profile, string division, double p)
    {
        (ModelGraph model, SampleSet calibration, SampleSet test) = Data.Value;
        var options = new PruningOptions { Percentile = p, Profile = profile, Division = division };

        PrunedModel prunedA = PrunedModel.Create(model, options, [calibration.ToTensor(model.Input.Shape)]);
        PrunedModel prunedB = PrunedModel.Create(model, options, [Renormalized(calibration, model.Input.Shape)]);
        Tensor testA = test.ToTensor(model.Input.Shape), testB = Renormalized(test, model.Input.Shape);
        (float[] logitsA, long[] executedA) = Run(prunedA, testA);
        (float[] logitsB, long[] executedB) = Run(prunedB, testB);
        for (int l = 0; l < executedA.Length; l++)
        {
            AssertSameDecisions(model, model.PrunableLayers[l], executedA[l], executedB[l]);
        }
        int rowsThatDiffer = 0;
        for (int row = 0; row < test.Count; row++)
        {
            float[] a = logitsA[(row * 10)..((row + 1) * 10)], b = logitsB[(row * 10)..((row + 1) * 10)];
            Assert.AreEqual(ClassificationMetrics.ArgMax(a, 10)[0], ClassificationMetrics.ArgMax(b, 10)[0], $"row {row}: predicted class");
            // Same decisions give the same logits; a near-tie in a continuous layer that moved one or two MACs moves them by those products.
            if (a.Where((v, i) => Math.Abs(v - b[i]) > 1e-4 * Math.Max(1, Math.Abs(v))).Any())
            {
                rowsThatDiffer++;
            }
        }
        // msp430 runs and calibrates on integers once the input is quantized (which the 1-ulp difference never
        // changes), so there every decision and every logit must be identical.
        int allowed = profile == "msp430" ? 0 : test.Count / 50;
        Assert.IsTrue(rowsThatDiffer <= allowed, $"{rowsThatDiffer} of {test.Count} rows changed their logits: a skip decision moved somewhere");
    }

    /// <summary>The images through the pruned engine in one batch: the logits and the executed MACs per layer.</summary>
    private static (float[] Logits, long[] Executed) Run(PrunedModel model, Tensor images)
    {
        var stats = new InferenceStatistics();
        float[] logits = model.Engine.Run(images, stats).Data;
        return (logits, model.Graph.PrunableLayers.Select(l => stats.For(l.Name).Executed).ToArray());
    }

    [TestMethod]
    [DataRow("float32", "exact")]
    [DataRow("float32", "bitshift")]
    [DataRow("max78000", "bitmask")]
    [DataRow("msp430", "binarytree")]
    public void A_one_ulp_different_threshold_skips_the_same_MACs(string profile, string division)
    {
        (ModelGraph model, SampleSet calibration, SampleSet test) = Data.Value;
        Tensor images = test.ToTensor(model.Input.Shape);
        PrunedModel calibrated = PrunedModel.Create(model, new PruningOptions { Percentile = 80, Profile = profile, Division = division },
            [calibration.ToTensor(model.Input.Shape)]);
        long[] Executed(ThresholdSet t)
        {
            var stats = new InferenceStatistics();
            calibrated.WithThresholds(t).Engine.Run(images, stats);
            return model.PrunableLayers.Select(l => stats.For(l.Name).Executed).ToArray();
        }
        ThresholdSet Shifted(Func<float, float> ulp) => calibrated.Thresholds with
        {
            Layers = calibrated.Thresholds.Layers.ToDictionary(kv => kv.Key, kv => kv.Value.Select(ulp).ToArray()),
        };

        long[] baseline = Executed(calibrated.Thresholds);

        foreach (Func<float, float> ulp in new Func<float, float>[] { MathF.BitIncrement, MathF.BitDecrement })
        {
            long[] shifted = Executed(Shifted(ulp));
            for (int l = 0; l < baseline.Length; l++)
            {
                AssertSameDecisions(model, model.PrunableLayers[l], baseline[l], shifted[l]);
            }
        }
    }

    /// <summary>
    /// The first layer sees the 8-bit grid, where ties come by the million: its decisions must be identical.
    /// Deeper layers see continuous sums, where a last-bit difference upstream can move a product across
    /// the threshold like any float rounding; there a few MACs in a million may differ (seen: up to 25 in
    /// 14 million), far from the thousands that ties moved before thresholds were put between products.
    /// </summary>
    private static void AssertSameDecisions(ModelGraph model, PrunableNode layer, long executedA, long executedB)
    {
        if (layer == model.PrunableLayers[0])
        {
            Assert.AreEqual(executedA, executedB, $"{layer.Name}: executed MACs on the 8-bit grid");
        }
        else
        {
            Assert.AreEqual(executedA, executedB, 1e-5 * executedA + 2, $"{layer.Name}: executed MACs");
        }
    }
}
