using System.Globalization;
using UnIT.ML.Graph;
using UnIT.Onnx.Tests.Helpers;

namespace UnIT.Onnx.Tests.TinyMl;

/// <summary>The MLPerf Tiny reference architectures against ONNX Runtime, with their MACs and activation memory.</summary>
[TestClass]
public sealed class TinyMlParityTests
{
    public TestContext TestContext { get; set; } = null!;

    public static IEnumerable<object[]> Models => TinyMlModels.Names;

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void MatchesOnnxRuntimeAndCountsTheMacsOfEveryConvAndGemm(string name)
    {
        TinyMlModel model = TinyMlModels.All[name];
        ModelGraph graph = Parity.Check(model.Model, [2, .. model.SampleShape], seed: name.Length);

        // Every BatchNormalization behind a Conv is folded into it; behind a Gemm it stays a node of its own.
        Assert.AreEqual(name == "fc_autoencoder" ? 9 : 0, graph.Nodes.OfType<BatchNormNode>().Count(), graph.Summary());
        CollectionAssert.AreEquivalent(model.LayerMacs.Keys.ToArray(), graph.PrunableLayers.Select(l => l.Name).ToArray());
        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            Assert.AreEqual(model.LayerMacs[layer.Name], graph.MacsPerSample(layer), layer.Name);
        }
        Assert.AreEqual(model.ExpectedMacs, graph.TotalMacsPerSample);
        // Published operation counts are rounded (e.g. "25 MOPS"): ours must be within 10% of half of them.
        double ratio = graph.TotalMacsPerSample / model.PublishedMacs;
        Assert.IsTrue(ratio is > 0.9 and < 1.1, $"{graph.TotalMacsPerSample:N0} MACs vs published {model.PublishedMacs:N0} ({model.Published})");

        ActivationPlan memory = graph.Memory;
        long values = graph.Nodes.Sum(n => (long)graph.ShapeOf(n.Output).SampleSize) + graph.InputSampleSize;
        long widestStep = graph.Nodes.Max(n => n.Inputs.Distinct().Sum(v => (long)graph.ShapeOf(v).SampleSize) + graph.ShapeOf(n.Output).SampleSize);
        Assert.IsTrue(memory.PeakLiveElements >= widestStep, $"peak {memory.PeakLiveElements} < the widest step's {widestStep}");
        Assert.IsTrue(memory.ArenaElements >= memory.PeakLiveElements && memory.ArenaElements < values / 2,
            $"arena {memory.ArenaElements}: at least the peak {memory.PeakLiveElements}, well under the {values} values of the graph");
        TestContext.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {graph.TotalParameters:N0} | {graph.TotalMacsPerSample:N0} | {model.PublishedMacs:N0} | {model.PublishedParameters:N0} | {memory.PeakLiveElements:N0} | {memory.ArenaElements:N0} |"));
    }
}
