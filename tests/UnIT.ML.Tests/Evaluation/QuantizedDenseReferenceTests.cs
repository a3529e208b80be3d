using UnIT.ML.Evaluation;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.Kernels;

namespace UnIT.ML.Tests.Evaluation;

/// <summary>The fixed-point reference without pruning, when the Q formats were calibrated on a magnitude-pruned copy.</summary>
[TestClass]
public sealed class QuantizedDenseReferenceTests
{
    [TestMethod]
    public void A_layer_magnitude_pruning_emptied_still_gets_a_reference_with_a_weight_format_its_unpruned_weights_fit()
    {
        var rng = new Random(4);
        // Weights up to 2: a layer of zeros gets the finest format (15 fractional bits), which 2 would saturate.
        var fc = new FullyConnectedNode("fc", "x", "y", new Tensor(new Shape(5, 24), TestGraphs.Random(rng, 120, 0.1, 2f)), new float[5]);
        var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 24)), [fc], ["y"]);
        var x = new Tensor(new Shape(16, 24), TestGraphs.Random(rng, 16 * 24, 0.2));
        int[] labels = Enumerable.Range(0, 16).Select(i => i % 5).ToArray();

        // 0.999 of 120 weights rounds to all of them: the plan is made for a layer of zeros.
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Percentile = 50, Profile = "msp430", MagnitudeSparsity = 0.999 }, [x]);
        EvaluationResult result = Evaluator.Evaluate(model, x, labels);

        QuantizationPlan plan = model.Thresholds.Quantization!;
        QuantizationPlan fitted = plan.WithWeightsFitting(graph);
        float max = fc.Weight.Data.Max(MathF.Abs);
        Assert.IsGreaterThan(FixedPointMath.FractionBitsFor(max), plan.Weights["fc"]);
        Assert.AreEqual(FixedPointMath.FractionBitsFor(max), fitted.Weights["fc"]);
        Assert.AreSame(plan.Values, fitted.Values);
        Assert.AreEqual(Evaluator.QuantizedDenseMetrics(graph, fitted, x, labels), result.QuantizedDense);
        Assert.AreSame(fitted, fitted.WithWeightsFitting(graph));
    }
}
