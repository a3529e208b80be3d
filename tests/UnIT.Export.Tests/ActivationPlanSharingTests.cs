using UnIT.ML.Graph;
using UnIT.Onnx;

namespace UnIT.Export.Tests;

/// <summary>The one buffer planner (ActivationPlan) with buffer sharing, as export-c uses it.</summary>
[TestClass]
public sealed class ActivationPlanSharingTests
{
    [TestMethod]
    [DataRow("mnist_cnn.onnx")]
    [DataRow("fashion_mnist_resnet.onnx")]
    public void A_reshape_shares_its_input_buffer_an_activation_overwrites_a_dead_input_and_live_buffers_never_overlap(string file)
    {
        ModelGraph graph = OnnxImporter.Import(Path.Combine(AppContext.BaseDirectory, "assets", "models", file));
        var plan = new ActivationPlan(graph, Sharing);
        var separate = new ActivationPlan(graph);

        Node reshape = graph.Nodes.First(n => n is FlattenNode or ReshapeNode);
        Assert.AreEqual(plan.Offset(reshape.Input), plan.Offset(reshape.Output));
        Assert.IsTrue(plan.ArenaElements >= plan.PeakLiveElements && plan.ArenaElements < separate.ArenaElements,
            $"arena {plan.ArenaElements}: at least the peak {plan.PeakLiveElements}, below the unshared plan's {separate.ArenaElements}");
        var owner = new Dictionary<string, string> { [graph.Input.Name] = graph.Input.Name };
        var first = new Dictionary<string, int> { [graph.Input.Name] = -1 };
        var last = new Dictionary<string, int> { [graph.Input.Name] = plan.LastUse(graph.Input.Name) };
        int inPlace = 0;
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            Node n = graph.Nodes[i];
            // A node's input and output are live together at its step, so one offset means one buffer.
            bool shares = Sharing(n) != BufferSharing.None && plan.Offset(n.Input) == plan.Offset(n.Output);
            if (shares && Sharing(n) == BufferSharing.InPlace)
            {
                inPlace++;
                Assert.AreEqual(i, last[owner[n.Input]], $"'{n.Name}' overwrites '{n.Input}', so nothing may read that buffer after it");
            }
            string o = shares ? owner[n.Input] : n.Output;
            owner[n.Output] = o;
            first.TryAdd(o, i);
            last[o] = Math.Max(last.GetValueOrDefault(o, i), plan.LastUse(n.Output));
        }
        Assert.IsGreaterThan(0, inPlace, "the Relu after a convolution is its output's only reader");
        // Buffers (values that share one are one buffer) live at the same step never overlap in the arena.
        string[] buffers = first.Keys.ToArray();
        foreach (string u in buffers)
        {
            foreach (string v in buffers.Where(v => string.CompareOrdinal(u, v) < 0))
            {
                bool together = first[u] <= last[v] && first[v] <= last[u];
                bool overlap = plan.Offset(u) < plan.Offset(v) + plan.Size(v) && plan.Offset(v) < plan.Offset(u) + plan.Size(u);
                Assert.IsFalse(together && overlap, $"'{u}' and '{v}' are live together but overlap");
            }
        }
    }

    [TestMethod]
    public void An_activation_whose_input_is_read_later_gets_a_buffer_of_its_own()
    {
        var p = new SeededParameters(3);
        Node[] nodes =
        [
            new ConvNode("conv", "x", "a", p.Weights(2, 2, 1, 1), null, [1, 1], [0, 0], [0, 0], [1, 1], 1),
            new ActivationNode("relu", "a", "b", ActivationKind.Relu),
            new BinaryNode("residual", "a", "b", "y", ElementwiseOp.Add),
        ];
        var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 2, 3, 3)), nodes, ["y"], "residual");

        var plan = new ActivationPlan(graph, Sharing);

        Assert.AreNotEqual(plan.Offset("a"), plan.Offset("b"), "the residual Add still reads 'a' after the Relu");
    }

    private static BufferSharing Sharing(Node n) => n switch
    {
        FlattenNode or ReshapeNode => BufferSharing.Alias,
        ActivationNode => BufferSharing.InPlace,
        _ => BufferSharing.None,
    };
}
