using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.Export.Tests;

/// <summary>What the generator refuses, and how it lays out memory; no compiler needed.</summary>
[TestClass]
public sealed class ExporterTests
{
    [TestMethod]
    public void A_node_without_an_emitter_is_refused_naming_the_node_and_op()
    {
        (ModelGraph mnist, _, _) = Assets.Load("mnist", 1);
        var graph = new ModelGraph(mnist.Input, [.. mnist.Nodes, new SoftmaxNode("probabilities", "logits", "probs")], ["probs"], "with_softmax");
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = "max78000", Thresholds = ThresholdSet.Zero(graph) }, null);

        CExportException e = Assert.ThrowsExactly<CExportException>(() => CExporter.Export(model));

        Assert.Contains("'probabilities'", e.Message);
        Assert.Contains("(Softmax)", e.Message);
    }

    [TestMethod]
    public void The_arena_reuses_buffers_whose_last_reader_has_run()
    {
        (ModelGraph graph, _, _) = Assets.Load("mnist", 1);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = "max78000", Thresholds = ThresholdSet.Zero(graph) }, null);

        CExportResult export = CExporter.Export(model);

        // Every value in its own buffer would take the sum of all sizes; liveness needs less, and at least the largest input +
        // output pair of a node that writes a new buffer. A Relu overwrites the convolution output it alone reads.
        long all = (graph.InputSampleSize + graph.Nodes.Sum(n => (long)graph.ShapeOf(n.Output).WithBatch(1).SampleSize)) * 4;
        long Pair(Node n) => (graph.ShapeOf(n.Input).WithBatch(1).SampleSize + (long)graph.ShapeOf(n.Output).WithBatch(1).SampleSize) * 4;
        Assert.IsLessThan(all, export.ArenaBytes);
        Assert.IsGreaterThanOrEqualTo(graph.Nodes.Where(n => n is not (ActivationNode or FlattenNode)).Max(Pair), export.ArenaBytes, "a node's input and output are live together");
        Assert.IsLessThan(graph.Nodes.Max(Pair), export.ArenaBytes, "conv1's output and its Relu's share one buffer");
    }
}
