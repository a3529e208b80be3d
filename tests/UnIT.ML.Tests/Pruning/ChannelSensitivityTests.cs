using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.Kernels;

namespace UnIT.ML.Tests.Pruning;

/// <summary>The noise-injection Fisher estimate against the softmax's exact Fisher term and against wiring that decides it.</summary>
[TestClass]
public sealed class ChannelSensitivityTests
{
    [TestMethod]
    public void On_the_logits_it_matches_the_softmax_fisher_term()
    {
        // For noise on logit k alone, KL(p || q) ~ s^2 / 2 * p_k (1 - p_k): the exact Fisher term, averaged over samples.
        var rng = new Random(21);
        ModelGraph graph = TestGraphs.FullyConnected(12, 4, rng);
        var x = new Tensor(new Shape(400, 12), TestGraphs.Random(rng, 400 * 12, 0.1, 3f));
        float[] logits = new UnIT.ML.Engine.InferenceEngine(graph).Run(x).Data;
        var expected = new double[4];
        for (int s = 0; s < 400; s++)
        {
            double[] e = Enumerable.Range(0, 4).Select(k => Math.Exp(logits[s * 4 + k])).ToArray();
            for (int k = 0; k < 4; k++)
            {
                double p = e[k] / e.Sum();
                expected[k] += p * (1 - p) / 400;
            }
        }

        double[] measured = ChannelSensitivity.Measure(graph, [x])["fc"];

        for (int k = 0; k < 4; k++)
        {
            Assert.AreEqual(expected[k], measured[k], 0.25 * expected[k], $"logit {k}");
        }
        CollectionAssert.AreEqual(measured, ChannelSensitivity.Measure(graph, [x])["fc"], "seeded noise: the same figures every run");
        // A model that ends in Softmax gives probabilities; they are read through their log, to the same figures.
        var softmax = new ModelGraph(graph.Input, [.. graph.Nodes, new AxisSoftmaxNode("softmax", "y", "p", 1, 1, log: false)], ["p"]);
        double[] fromProbabilities = ChannelSensitivity.Measure(softmax, [x])["fc"];
        for (int k = 0; k < 4; k++)
        {
            Assert.AreEqual(measured[k], fromProbabilities[k], 1e-3 * measured[k], $"logit {k} behind a Softmax");
        }
    }

    [TestMethod]
    public void A_neuron_nothing_reads_has_none_and_one_read_more_strongly_has_more()
    {
        var rng = new Random(22);
        var hidden = new FullyConnectedNode("hidden", "x", "h", new Tensor(new Shape(3, 6), TestGraphs.Random(rng, 18, 0, 1f)), [0.1f, 0.1f, 0.1f]);
        // Output weights: hidden neuron 0 feeds nothing, neuron 2 feeds the logits four times as strongly as neuron 1.
        var output = new FullyConnectedNode("out", "h", "y", new Tensor(new Shape(2, 3), [0f, 0.5f, 2f, 0f, -0.5f, -2f]), null);
        var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 6)), [hidden, output], ["y"]);
        var x = new Tensor(new Shape(200, 6), TestGraphs.Random(rng, 1200, 0, 1f));

        double[] f = ChannelSensitivity.Measure(graph, [x], maxSamples: 150)["hidden"];

        Assert.AreEqual(0, f[0]);
        Assert.IsGreaterThan(4 * f[1], f[2], $"sensitivities {string.Join(", ", f)}");
        Assert.ThrowsExactly<ArgumentException>(() => ChannelSensitivity.Measure(graph, []));
    }

    [TestMethod]
    public void Nodes_in_front_of_the_layers_change_nothing_and_the_progress_climbs_to_all()
    {
        var rng = new Random(23);
        var hidden = new FullyConnectedNode("hidden", "s", "h", new Tensor(new Shape(4, 6), TestGraphs.Random(rng, 24, 0, 1f)), [0.1f, 0f, -0.1f, 0.2f]);
        var relu = new ActivationNode("relu", "h", "r", ActivationKind.Relu);
        var output = new FullyConnectedNode("out", "r", "y", new Tensor(new Shape(3, 4), TestGraphs.Random(rng, 12, 0, 1f)), null);
        var input = new ValueInfo("x", new Shape(Shape.Dynamic, 6));
        var plain = new ModelGraph(input, [new ActivationNode("first", "x", "s", ActivationKind.Relu), hidden, relu, output], ["y"]);
        // The same function with one more node before the layers: x >= 0, so the Relu and the doubled-then-halved path are identities.
        var longer = new ModelGraph(input,
        [
            new ElementwiseNode("double", "x", "d", ElementwiseOp.Mul, new Tensor(new Shape(1), [2f]), constantFirst: false),
            new ElementwiseNode("half", "d", "s", ElementwiseOp.Mul, new Tensor(new Shape(1), [0.5f]), constantFirst: false),
            hidden, relu, output,
        ], ["y"]);
        var x = new Tensor(new Shape(90, 6), TestGraphs.Random(rng, 540, 0, 1f).Select(MathF.Abs).ToArray());
        var shares = new List<double>();

        Dictionary<string, double[]> a = ChannelSensitivity.Measure(plain, [x], progress: new SynchronousShare(shares.Add));
        Dictionary<string, double[]> b = ChannelSensitivity.Measure(longer, [x]);

        CollectionAssert.AreEqual(a["hidden"], b["hidden"]);
        CollectionAssert.AreEqual(a["out"], b["out"]);
        Assert.IsTrue(a["hidden"].Any(f => f > 0));
        Assert.AreEqual(1.0, shares[^1]);
        Assert.IsTrue(shares.Zip(shares.Skip(1)).All(p => p.First < p.Second), "each whole percent once, rising: " + string.Join(", ", shares));
    }

    private sealed class SynchronousShare(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
