using UnIT.ML.Evaluation;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.Kernels;

namespace UnIT.ML.Tests.Evaluation;

/// <summary>Classifiers whose scores come out as [N, classes, 1, 1] (SqueezeNet, DenseNet) rather than [N, classes].</summary>
[TestClass]
public sealed class SpatialClassifierOutputTests
{
    [TestMethod]
    [DataRow("float32")]
    [DataRow("msp430")]
    public void Accuracy_is_scored_over_every_value_past_the_batch_axis(string profile)
    {
        var rng = new Random(6);
        const int samples = 40, classes = 7;
        var conv = new ConvNode("head", "x", "y", new Tensor(new Shape(classes, 3, 1, 1), TestGraphs.Random(rng, classes * 3, 0)),
            new float[classes], [1, 1], [0, 0], [0, 0], [1, 1], groups: 1);
        var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 3, 1, 1)), [conv], ["y"]);
        var x = new Tensor(new Shape(samples, 3, 1, 1), TestGraphs.Random(rng, samples * 3, 0));
        float[] dense = Evaluator.DenseLogits(graph, x);
        int[] predicted = ClassificationMetrics.ArgMax(dense, classes);
        // Half the labels are the dense prediction, half are shifted by one class: dense accuracy is exactly 50%.
        int[] labels = predicted.Select((p, i) => i % 2 == 0 ? p : (p + 1) % classes).ToArray();

        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Percentile = 10, Profile = profile }, [x]);
        EvaluationResult result = Evaluator.Evaluate(model, x, labels);

        Assert.AreEqual(0.5, result.Dense.Accuracy, 1e-12);
        Assert.AreEqual(samples, result.Logits.Length);
        Assert.IsTrue(result.Logits.All(row => row.Length == classes));
        if (result.QuantizedDense is { } quantized)
        {
            Assert.AreEqual(samples, quantized.Samples);
        }
    }
}
