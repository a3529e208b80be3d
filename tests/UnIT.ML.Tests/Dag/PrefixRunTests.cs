using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;
using UnIT.ML.Tests.Kernels;

namespace UnIT.ML.Tests.Dag;

/// <summary>
/// A run resumed from a saved prefix (what the channel sensitivity uses to skip the nodes before a layer) against the
/// whole run, on a graph whose branch holds a value across the resume point.
/// </summary>
[TestClass]
public sealed class PrefixRunTests
{
    private static ModelGraph Branching(Random rng) => new(new ValueInfo("x", new Shape(Shape.Dynamic, 6)),
    [
        new FullyConnectedNode("fc1", "x", "h", new Tensor(new Shape(5, 6), TestGraphs.Random(rng, 30, 0, 1f)), [0.1f, -0.2f, 0.3f, 0f, 0.05f]),
        new ActivationNode("relu", "h", "r", ActivationKind.Relu),
        new FullyConnectedNode("fc2", "r", "g", new Tensor(new Shape(5, 5), TestGraphs.Random(rng, 25, 0, 1f)), null),
        // "r" is read again here, past fc2: a resume at fc2 must carry it.
        new BinaryNode("join", "r", "g", "s", ElementwiseOp.Add),
        new FullyConnectedNode("fc3", "s", "y", new Tensor(new Shape(3, 5), TestGraphs.Random(rng, 15, 0, 1f)), [0.2f, 0f, -0.1f]),
    ], ["y"]);

    [TestMethod]
    public void Resuming_at_every_node_gives_the_whole_runs_output_and_leaves_the_prefix_as_it_was()
    {
        ModelGraph graph = Branching(new Random(41));
        var engine = new InferenceEngine(graph);
        var x = new Tensor(new Shape(3, 6), TestGraphs.Random(new Random(42), 18, 0, 1f));
        float[] whole = engine.Run(x).Data;

        for (int node = 0; node <= graph.Nodes.Count; node++)
        {
            for (int s = 0; s < 3; s++)
            {
                float[]?[] prefix = engine.RunPrefix(x, s, node);
                float[][] saved = prefix.Select(v => v?.ToArray() ?? []).ToArray();

                float[] first = engine.ResumeObserved(prefix, node, new NoObserver());
                float[] again = engine.ResumeObserved(prefix, node, new NoObserver());

                CollectionAssert.AreEqual(whole[(s * 3)..(s * 3 + 3)], first, $"sample {s} resumed at node {node}");
                CollectionAssert.AreEqual(first, again, $"sample {s} resumed twice at node {node}");
                for (int slot = 0; slot < prefix.Length; slot++)
                {
                    CollectionAssert.AreEqual(saved[slot], prefix[slot] ?? [], $"slot {slot} of the prefix at node {node}");
                }
            }
        }
    }

    [TestMethod]
    public void A_fixed_point_engine_refuses_to_resume()
    {
        ModelGraph graph = Branching(new Random(43));
        QuantizationPlan plan = Calibrator.CalibrateQuantization(graph, [new Tensor(new Shape(4, 6), TestGraphs.Random(new Random(44), 24, 0, 1f))]);
        var engine = new InferenceEngine(graph, new PruningConfiguration { Numerics = NumericFormat.FixedPoint16, Quantization = plan });

        Assert.ThrowsExactly<InvalidOperationException>(() => engine.RunPrefix(new Tensor(new Shape(1, 6), new float[6]), 0, 2));
    }

    private sealed class NoObserver : IEngineObserver
    {
        public void OnLayerInput(PrunableNode layer, float[] input, Shape shape)
        {
        }

        public void OnValue(string name, float[] data)
        {
        }
    }
}
