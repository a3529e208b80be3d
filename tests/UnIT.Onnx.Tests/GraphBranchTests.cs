using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Graph.Serialization;
using UnIT.Onnx.Tests.Helpers;
using static UnIT.Onnx.Tests.Helpers.OnnxAttr;

namespace UnIT.Onnx.Tests;

/// <summary>Graphs with branches (residual adds, concatenated branches, gating) and batch handling, against ONNX Runtime.</summary>
[TestClass]
public sealed class GraphBranchTests
{
    private static OnnxModelBuilder ConvInput(int channels = 3) => new OnnxModelBuilder(13).Input("x", -1, channels, 6, 6);

    private static OnnxModelBuilder Conv(OnnxModelBuilder b, string name, string input, string output, int inC, int outC, int seed, int kernel = 3) =>
        b.Initializer($"{name}_w", [outC, inC, kernel, kernel], TestData.Uniform(outC * inC * kernel * kernel, seed, -0.5f, 0.5f))
         .Initializer($"{name}_b", [outC], TestData.Uniform(outC, seed + 1, -0.1f, 0.1f))
         .NamedNode(name, "Conv", [input, $"{name}_w", $"{name}_b"], [output], Ints("pads", kernel / 2, kernel / 2, kernel / 2, kernel / 2));

    [TestMethod]
    public void ResidualAddMatchesOnnxRuntime()
    {
        OnnxModelBuilder b = ConvInput(4);
        Conv(b, "c1", "x", "h", 4, 4, 1).Node("Relu", "h", "r");
        Conv(b, "c2", "r", "h2", 4, 4, 3).NamedNode("skip", "Add", ["h2", "x"], ["s"]).Node("Relu", "s", "y").Output("y");
        ModelGraph graph = Parity.Check(b.ToBytes(), [3, 4, 6, 6]);
        Assert.AreEqual(2, graph.PrunableLayers.Count);
        Assert.IsTrue(graph.Nodes.OfType<BinaryNode>().Single().Inputs.Contains("x"), graph.Summary());
    }

    [TestMethod]
    public void ConcatenatedBranchesMatchOnnxRuntime()
    {
        OnnxModelBuilder b = ConvInput();
        Conv(b, "left", "x", "l", 3, 2, 5, kernel: 1);
        Conv(b, "right", "x", "r", 3, 5, 7);
        b.Node("MaxPool", ["x"], ["p"], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", 1, 1));
        b.NamedNode("join", "Concat", ["l", "r", "p"], ["y"], Int("axis", -3)).Output("y");
        ModelGraph graph = Parity.Check(b.ToBytes(), [2, 3, 6, 6]);
        Assert.AreEqual("[?,10,6,6]", graph.Outputs[0].Shape.ToString());
    }

    [TestMethod]
    public void SwishAndSqueezeExcitationGatesMatchOnnxRuntime()
    {
        // x * sigmoid(x), then a channel gate broadcast from [N,C,1,1] over [N,C,H,W].
        OnnxModelBuilder b = ConvInput(4);
        b.Node("Sigmoid", "x", "sg").Node("Mul", ["x", "sg"], ["swish"]);
        b.Node("GlobalAveragePool", ["swish"], ["g"]);
        Conv(b, "squeeze", "g", "sq", 4, 4, 11, kernel: 1).Node("Sigmoid", "sq", "gate");
        b.NamedNode("scale", "Mul", ["swish", "gate"], ["y"]).Output("y");
        Parity.Check(b.ToBytes(), [3, 4, 6, 6]);
    }

    [TestMethod]
    public void SubAndDivOfTwoRuntimeValuesMatchOnnxRuntime()
    {
        OnnxModelBuilder b = new OnnxModelBuilder(13).Input("x", -1, 2, 5).Node("Sigmoid", "x", "s").Node("Sub", ["x", "s"], ["d"])
            .Node("Add", ["s", "s"], ["s2"]).Node("Div", ["d", "s2"], ["y"]).Output("y");
        Parity.Check(b.ToBytes(), [4, 2, 5]);
    }

    [TestMethod]
    public void AValueReadByManyNodesKeepsItsValueAndTheArenaIsSmallerThanTheSumOfValues()
    {
        // x feeds three branches and the final sum; each branch's value dies after its add.
        OnnxModelBuilder b = ConvInput();
        b.Node("Relu", "x", "a").Node("Sigmoid", "x", "s").Node("Add", ["a", "s"], ["as"]);
        b.Node("Tanh", "x", "t").Node("Add", ["as", "t"], ["ast"]).Node("Add", ["ast", "x"], ["y"]).Output("y");
        ModelGraph graph = Parity.Check(b.ToBytes(), [2, 3, 6, 6]);
        ActivationPlan memory = graph.Memory;
        int value = 3 * 6 * 6;
        // Most at once: x, a, s while "as" is written (4 values of 108).
        Assert.AreEqual(4L * value, memory.PeakLiveElements);
        Assert.IsTrue(memory.ArenaElements < 7L * value, $"arena {memory.ArenaElements} should reuse buffers of dead values");
        Assert.IsTrue(memory.ArenaElements >= memory.PeakLiveElements);
        Assert.AreEqual(graph.Nodes.Count, memory.LastUse("y"));
        Assert.AreEqual(5, memory.LastUse("x"));
        StringAssert.Contains(graph.Summary(), "Activation memory per sample");
    }

    [TestMethod]
    public void BuffersOfLiveValuesNeverOverlap()
    {
        OnnxModelBuilder b = ConvInput(4);
        Conv(b, "c1", "x", "h", 4, 8, 1).Node("Relu", "h", "r");
        Conv(b, "c2", "r", "h2", 8, 4, 3).Node("Add", ["h2", "x"], ["s"]);
        Conv(b, "c3", "s", "h3", 4, 4, 5).Node("Concat", ["h3", "s", "r"], ["y"], Int("axis", 1)).Output("y");
        ModelGraph graph = OnnxImporter.Import(b.ToBytes());
        ActivationPlan plan = graph.Memory;
        string[] values = graph.Nodes.Select(n => n.Output).Prepend(graph.Input.Name).ToArray();
        int First(string v) => v == graph.Input.Name ? -1 : graph.Nodes.ToList().FindIndex(n => n.Output == v);
        foreach (string u in values)
        {
            foreach (string v in values.Where(v => string.CompareOrdinal(u, v) < 0))
            {
                bool liveTogether = First(u) <= plan.LastUse(v) && First(v) <= plan.LastUse(u);
                bool overlap = plan.Offset(u) < plan.Offset(v) + plan.Size(v) && plan.Offset(v) < plan.Offset(u) + plan.Size(u);
                Assert.IsFalse(liveTogether && overlap, $"'{u}' and '{v}' are live together but share memory");
            }
        }
    }

    [TestMethod]
    public void BranchGraphsSurviveSerialization()
    {
        OnnxModelBuilder b = ConvInput(4);
        Conv(b, "c1", "x", "h", 4, 4, 1).Node("Add", ["h", "x"], ["s"]).Node("Concat", ["s", "x"], ["y"], Int("axis", 1)).Output("y");
        ModelGraph graph = OnnxImporter.Import(b.ToBytes());
        ModelGraph copy = GraphSerializer.FromBytes(GraphSerializer.ToBytes(graph));
        Assert.AreEqual(graph.Summary(), copy.Summary());
        float[] input = TestData.Uniform(2 * 4 * 36, 3);
        CollectionAssert.AreEqual(Parity.RunEngine(graph, input, [2, 4, 6, 6]).Data, Parity.RunEngine(copy, input, [2, 4, 6, 6]).Data);
    }

    [TestMethod]
    public void AModelExportedWithBatchOneRunsOnAnyBatch()
    {
        // PyTorch's default export: batch 1 fixed, and x.view(1, -1) written as a constant target.
        OnnxModelBuilder b = new OnnxModelBuilder(13).Input("x", 1, 3, 6, 6);
        Conv(b, "c1", "x", "h", 3, 2, 1).Int64Initializer("target", [2], [1, -1]).Node("Reshape", ["h", "target"], ["f"])
            .Initializer("fc_w", [72, 5], TestData.Uniform(360, 9, -0.2f, 0.2f)).Node("MatMul", ["f", "fc_w"], ["y"]).Output("y");
        byte[] model = b.ToBytes();
        ModelGraph graph = OnnxImporter.Import(model);
        const int batch = 5, size = 3 * 6 * 6;
        float[] input = TestData.Uniform(batch * size, 21);
        Tensor ours = new InferenceEngine(graph).Run(new Tensor(new Shape(batch, 3, 6, 6), input));
        for (int s = 0; s < batch; s++)
        {
            (float[] expected, int[] shape) = OrtRunner.Run(model, input[(s * size)..((s + 1) * size)], [1, 3, 6, 6]);
            CollectionAssert.AreEqual(new[] { 1, 5 }, shape);
            for (int i = 0; i < 5; i++)
            {
                Assert.AreEqual(expected[i], ours.Data[s * 5 + i], 1e-4f, $"sample {s}, logit {i}");
            }
        }
    }

    [TestMethod]
    public void AConstantWithOneRowPerSampleOfAFixedBatchIsRefused()
    {
        // ORT adds row i to sample i; running per sample cannot, so the import must say so instead of reusing row 0.
        byte[] model = new OnnxModelBuilder(13).Input("x", 2, 10).Initializer("rows", [2, 10], TestData.Uniform(20, 4))
            .NamedNode("bias", "Add", ["x", "rows"], ["y"]).Output("y").ToBytes();
        var e = Assert.ThrowsExactly<OnnxImportException>(() => OnnxImporter.Import(model));
        StringAssert.Contains(e.Message, "Node 'bias' (Add)");
        StringAssert.Contains(e.Message, "batch axis");
        byte[] gate = new OnnxModelBuilder(13).Input("x", 2, 4, 3, 3).Initializer("g", [2, 4, 1, 1], TestData.Uniform(8, 4))
            .NamedNode("gate", "Mul", ["x", "g"], ["y"]).Output("y").ToBytes();
        StringAssert.Contains(Assert.ThrowsExactly<OnnxImportException>(() => OnnxImporter.Import(gate)).Message, "position in the batch");
    }

    [TestMethod]
    public void AReshapeThatFoldsTheBatchIntoAnotherAxisIsRefused()
    {
        // x.view(b * c, -1) on a dynamic batch, as the older exporter writes it, then Softmax over the last axis.
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 3, 4)
            .Node("Shape", "x", "s")
            .Int64Initializer("i0", [], [0]).Int64Initializer("i1", [], [1]).Int64Initializer("minus1", [1], [-1])
            .Node("Gather", ["s", "i0"], ["b"], Int("axis", 0)).Node("Gather", ["s", "i1"], ["c"], Int("axis", 0))
            .Node("Mul", ["b", "c"], ["bc"]).Node("Unsqueeze", ["bc", "axes0"], ["bc1"])
            .Int64Initializer("axes0", [1], [0])
            .Node("Concat", ["bc1", "minus1"], ["target"], Int("axis", 0))
            .NamedNode("view", "Reshape", ["x", "target"], ["v"]).Node("Softmax", ["v"], ["y"], Int("axis", -1)).Output("y").ToBytes();
        var e = Assert.ThrowsExactly<OnnxImportException>(() => OnnxImporter.Import(model));
        StringAssert.Contains(e.Message, "Node 'view' (Reshape)");
        StringAssert.Contains(e.Message, "mixes samples");
    }

    [TestMethod]
    public void OneErrorListsEveryBlocker()
    {
        byte[] model = new OnnxModelBuilder(13).Input("x", -1, 5, 8)
            .NamedNode("lstm_1", "LSTM", ["x"], ["h"], Int("hidden_size", 4)).Node("Relu", "h", "after_lstm")
            .NamedNode("mystery", "NoSuchOp", ["x"], ["m"])
            .NamedNode("custom", "Relu", ["x"], ["c"]).Output("after_lstm").Output("m").Output("c").ToBytes();
        ModelProtoDomain(model, out byte[] withDomain);
        var e = Assert.ThrowsExactly<OnnxImportException>(() => OnnxImporter.Import(withDomain));
        Assert.AreEqual(3, e.Blockers.Count, e.Message);
        StringAssert.Contains(e.Message, "Node 'lstm_1' (LSTM)");
        StringAssert.Contains(e.Message, "Node 'mystery' (NoSuchOp)");
        StringAssert.Contains(e.Message, "Node 'custom' (Relu)");
        Assert.IsFalse(e.Message.Contains("after_lstm", StringComparison.Ordinal), "a node fed by a blocked node is not a blocker of its own");
    }

    /// <summary>Puts the node named "custom" in a custom domain.</summary>
    private static void ModelProtoDomain(byte[] model, out byte[] result)
    {
        var proto = Protos.ModelProto.Parser.ParseFrom(model);
        proto.Graph.Node.Single(n => n.Name == "custom").Domain = "com.example";
        result = Google.Protobuf.MessageExtensions.ToByteArray(proto);
    }
}
