using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Graph.Serialization;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;
using UnIT.Onnx.Tests.Helpers;
using static UnIT.Onnx.Tests.Helpers.OnnxAttr;

namespace UnIT.Onnx.Tests;

/// <summary>
/// What the new ops cannot do per sample is refused with the node, the op and the reason; never imported
/// into numbers that differ from ONNX Runtime. And graphs of the new nodes survive serialization.
/// </summary>
[TestClass]
public sealed class CnnOpRefusalTests
{
    private static void Refused(byte[] model, params string[] parts)
    {
        var e = Assert.ThrowsExactly<OnnxImportException>(() => OnnxImporter.Import(model));
        foreach (string part in parts)
        {
            StringAssert.Contains(e.Message, part);
        }
    }

    private static OnnxModelBuilder Model(int opset, params long[] input) => new OnnxModelBuilder(opset).Input("x", input);

    [TestMethod]
    public void ATransposeThatMovesTheBatchAxisIsRefused()
    {
        Refused(Model(13, -1, 3, 4).NamedNode("t", "Transpose", ["x"], ["y"], Ints("perm", 1, 0, 2)).Output("y").ToBytes(),
            "Node 't' (Transpose)", "batch axis");
        // The default perm reverses every axis.
        Refused(Model(13, 1, 3, 4).NamedNode("t", "Transpose", ["x"], ["y"]).Output("y").ToBytes(), "Node 't' (Transpose)", "[2,1,0]");
    }

    [TestMethod]
    public void ReducingOverTheBatchAxisIsRefusedUnlessItIsOneKeptSample()
    {
        Refused(Model(13, -1, 3, 4).NamedNode("r", "ReduceMean", ["x"], ["y"], Ints("axes", 0, 1)).Output("y").ToBytes(), "Node 'r' (ReduceMean)", "batch axis");
        Refused(Model(13, 1, 3, 4).NamedNode("r", "ReduceSum", ["x"], ["y"], Int("keepdims", 0)).Output("y").ToBytes(), "Node 'r' (ReduceSum)", "keepdims 0");
    }

    [TestMethod]
    public void SoftmaxAndFlattenThatMixSamplesAreRefused()
    {
        Refused(Model(11, -1, 3, 4).NamedNode("s", "Softmax", ["x"], ["y"], Int("axis", 0)).Output("y").ToBytes(), "Node 's' (Softmax)", "batch axis");
        Refused(Model(13, -1, 3, 4, 5).NamedNode("f", "Flatten", ["x"], ["y"], Int("axis", 2)).Output("y").ToBytes(), "Node 'f' (Flatten)", "mixes samples");
        Refused(Model(13, -1, 3, 4).NamedNode("f", "Flatten", ["x"], ["y"], Int("axis", 0)).Output("y").ToBytes(), "Node 'f' (Flatten)", "batch axis");
    }

    [TestMethod]
    public void SqueezeUnsqueezeSliceSplitAndPadOfTheBatchAxisAreRefused()
    {
        Refused(Model(13, -1, 3, 1).NamedNode("s", "Squeeze", ["x"], ["y"]).Output("y").ToBytes(), "Node 's' (Squeeze)", "batch axis");
        Refused(Model(11, 1, 3, 1).NamedNode("s", "Squeeze", ["x"], ["y"], Ints("axes", 0)).Output("y").ToBytes(), "Node 's' (Squeeze)", "batch axis");
        Refused(Model(11, -1, 3).NamedNode("u", "Unsqueeze", ["x"], ["y"], Ints("axes", 0)).Output("y").ToBytes(), "Node 'u' (Unsqueeze)", "batch axis");
        Refused(Model(9, -1, 3).NamedNode("s", "Slice", ["x"], ["y"], Ints("starts", 1), Ints("ends", 3)).Output("y").ToBytes(), "Node 's' (Slice)", "batch axis");
        Refused(Model(13, -1, 3).NamedNode("s", "Split", ["x"], ["a", "b"]).Output("a").Output("b").ToBytes(), "Node 's' (Split)", "batch axis");
        Refused(Model(13, -1, 3).Int64Initializer("p", [4], [1, 0, 0, 0]).NamedNode("p", "Pad", ["x", "p"], ["y"]).Output("y").ToBytes(), "Node 'p' (Pad)", "batch axis");
    }

    [TestMethod]
    public void UnsupportedFormsNameWhatIsUnsupported()
    {
        Refused(Model(19, -1, 3, 4).Int64Initializer("p", [6], [0, 1, 1, 0, 1, 1]).NamedNode("p", "Pad", ["x", "p"], ["y"], String("mode", "wrap")).Output("y").ToBytes(),
            "Node 'p' (Pad)", "mode 'wrap'");
        Refused(Model(13, -1, 3, 4).Node("Relu", "x", "s").NamedNode("pr", "PRelu", ["x", "s"], ["y"]).Output("y").ToBytes(), "Node 'pr' (PRelu)", "run time");
        Refused(Model(7, -1, 2, 3).Initializer("g", [2, 3], TestData.Uniform(6, 1)).Initializer("b", [2, 3], TestData.Uniform(6, 2))
            .NamedNode("bn", "BatchNormalization", ["x", "g", "b", "b", "g"], ["y"], Int("spatial", 0)).Output("y").ToBytes(), "Node 'bn' (BatchNormalization)", "spatial 0");
        Refused(Model(13, -1, 3).Node("Shape", "x", "s").NamedNode("c", "ConstantOfShape", ["s"], ["z"]).Node("Add", ["x", "z"], ["y"]).Output("y").ToBytes(),
            "Node 'c' (ConstantOfShape)", "batch size");
    }

    [TestMethod]
    public void GraphsOfTheNewNodesSurviveSerialization()
    {
        byte[] model = Model(13, -1, 6, 4, 5)
            .Node("LRN", "x", "l", Int("size", 3)).Node("Transpose", "l", "t", Ints("perm", 0, 1, 3, 2))
            .Int64Initializer("p", [8], [0, 0, 1, 1, 0, 0, 1, 1]).Node("Pad", ["t", "p"], ["pd"], String("mode", "reflect"))
            .Node("HardSigmoid", "pd", "h", Float("alpha", 0.3f)).Node("Selu", "h", "se", Float("gamma", 1.5f))
            .Int64Initializer("st", [1], [1]).Int64Initializer("en", [1], [4]).Int64Initializer("ax", [1], [1])
            .Node("Slice", ["se", "st", "en", "ax"], ["sl"]).Node("ReduceMax", "sl", "r", Ints("axes", 2), Int("keepdims", 0))
            .Node("Max", ["r", "r"], ["m"]).Node("LogSoftmax", "m", "ls", Int("axis", 1))
            .Initializer("cw", [3, 2, 2], TestData.Uniform(12, 8)).Node("ConvTranspose", ["ls", "cw"], ["y"], Ints("strides", 2)).Output("y").ToBytes();
        ModelGraph graph = Parity.Check(model, [2, 6, 4, 5]);
        ModelGraph copy = GraphSerializer.FromBytes(GraphSerializer.ToBytes(graph));
        Assert.AreEqual(graph.Summary(), copy.Summary());
        float[] input = TestData.Uniform(2 * 6 * 4 * 5, 3);
        CollectionAssert.AreEqual(Parity.RunEngine(graph, input, [2, 6, 4, 5]).Data, Parity.RunEngine(copy, input, [2, 6, 4, 5]).Data);
    }

    [TestMethod]
    public void InFixedPointOpsThatOnlyMoveValuesKeepTheirInputsGridAndTheRestStayClose()
    {
        byte[] model = Model(13, -1, 4, 6, 6)
            .Node("Transpose", "x", "t", Ints("perm", 0, 1, 3, 2))
            .Int64Initializer("p", [8], [0, 0, 1, 1, 0, 0, 1, 1]).Node("Pad", ["t", "p"], ["pd"])
            .Int64Initializer("st", [1], [1]).Int64Initializer("en", [1], [5]).Int64Initializer("ax", [1], [2])
            .Node("Slice", ["pd", "st", "en", "ax"], ["sl"]).Node("GlobalMaxPool", "sl", "g")
            .Node("LRN", "pd", "l", Int("size", 3)).Node("ReduceMean", "l", "rm", Ints("axes", 2, 3))
            .Node("Sum", ["g", "rm"], ["s"]).Node("HardSwish", "s", "y").Output("y").ToBytes();
        ModelGraph graph = OnnxImporter.Import(model);
        var batch = new Tensor(new Shape(8, 4, 6, 6), TestData.Uniform(8 * 144, 17));
        QuantizationPlan plan = Calibrator.CalibrateQuantization(graph, [batch]);
        foreach (string moved in new[] { "t", "pd", "sl", "g" })
        {
            Node node = graph.Nodes.Single(n => n.Output == moved);
            Assert.AreEqual(plan.ValueBits(node.Input), plan.ValueBits(moved), $"{node.OpName} '{moved}' should keep its input's Q format");
        }
        float[] dense = new InferenceEngine(graph).Run(batch).Data;
        float[] fixedPoint = new InferenceEngine(graph, new PruningConfiguration { Numerics = NumericFormat.FixedPoint16, Quantization = plan }).Run(batch).Data;
        float scale = dense.Max(MathF.Abs);
        for (int i = 0; i < dense.Length; i++)
        {
            Assert.AreEqual(dense[i], fixedPoint[i], 0.01f * scale, $"element {i}");
        }
    }
}
