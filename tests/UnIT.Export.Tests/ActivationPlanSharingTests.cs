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
    public void A_reshape_shares_its_input_buffer_and_live_buffers_never_overlap(string file)
    {
        ModelGraph graph = OnnxImporter.Import(Path.Combine(AppContext.BaseDirectory, "assets", "models", file));
        var plan = new ActivationPlan(graph, n => n is FlattenNode or ReshapeNode);
        var separate = new ActivationPlan(graph);

        Node reshape = graph.Nodes.First(n => n is FlattenNode or ReshapeNode);
        Assert.AreEqual(plan.Offset(reshape.Input), plan.Offset(reshape.Output));
        Assert.IsTrue(plan.ArenaElements >= plan.PeakLiveElements && plan.ArenaElements <= separate.ArenaElements,
            $"arena {plan.ArenaElements}: at least the peak {plan.PeakLiveElements}, at most the unshared plan's {separate.ArenaElements}");
        // Buffers (values that share one are one buffer) live at the same step never overlap in the arena.
        var owner = new Dictionary<string, string> { [graph.Input.Name] = graph.Input.Name };
        var first = new Dictionary<string, int> { [graph.Input.Name] = -1 };
        var last = new Dictionary<string, int> { [graph.Input.Name] = plan.LastUse(graph.Input.Name) };
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            Node n = graph.Nodes[i];
            string o = n is FlattenNode or ReshapeNode ? owner[n.Input] : n.Output;
            owner[n.Output] = o;
            first.TryAdd(o, i);
            last[o] = Math.Max(last.GetValueOrDefault(o, i), plan.LastUse(n.Output));
        }
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
}
