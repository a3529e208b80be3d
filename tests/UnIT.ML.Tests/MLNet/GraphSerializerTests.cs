using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Graph.Serialization;

namespace UnIT.ML.Tests.MLNet;

[TestClass]
public sealed class GraphSerializerTests
{
    [TestMethod]
    public void FashionMnistModelRoundTripsWithEqualSummaryAndOutputs()
    {
        // Arrange
        ModelGraph graph = FashionMnistViews.Model();
        var input = new Tensor(graph.Input.Shape.WithBatch(3), Enumerable.Range(0, 3 * 784).Select(i => (i % 97) / 97f).ToArray());

        // Act
        ModelGraph copy = GraphSerializer.FromBytes(GraphSerializer.ToBytes(graph));

        // Assert
        Assert.AreEqual(graph.Summary(), copy.Summary());
        CollectionAssert.AreEqual(new InferenceEngine(graph).Run(input).Data, new InferenceEngine(copy).Run(input).Data);
    }

    [TestMethod]
    public void EveryNodeTypeRoundTrips()
    {
        // Arrange: one node of each type, with non-default attributes.
        ModelGraph graph = AllNodeTypes();
        var input = new Tensor(graph.Input.Shape.WithBatch(2), Enumerable.Range(0, 2 * 2 * 6 * 6).Select(i => MathF.Sin(i)).ToArray());
        using var stream = new MemoryStream();

        // Act
        GraphSerializer.Write(graph, stream);
        stream.Position = 0;
        ModelGraph copy = GraphSerializer.Read(stream);

        // Assert
        Assert.AreEqual(graph.Summary(), copy.Summary());
        CollectionAssert.AreEqual(graph.Nodes.Select(n => n.GetType()).ToArray(), copy.Nodes.Select(n => n.GetType()).ToArray());
        CollectionAssert.AreEqual(new InferenceEngine(graph).Run(input).Data, new InferenceEngine(copy).Run(input).Data);
        var pool = (PoolNode)copy.Nodes.Single(n => n is PoolNode);
        Assert.IsTrue(pool.CeilMode);
        var act = (ActivationNode)copy.Nodes.Single(n => n is ActivationNode { Kind: ActivationKind.LeakyRelu });
        Assert.AreEqual(0.2f, act.Alpha);
        Assert.AreEqual(stream.Length, stream.Position, "Read consumed exactly what Write wrote.");
    }

    [TestMethod]
    public void ReadingAnotherFormatVersionNamesBothVersions()
    {
        byte[] bytes = GraphSerializer.ToBytes(AllNodeTypes());
        // The version follows the 9-byte tag.
        BitConverter.TryWriteBytes(bytes.AsSpan(9, 4), GraphSerializer.CurrentFormatVersion + 1);

        var e = Assert.ThrowsExactly<FormatException>(() => GraphSerializer.FromBytes(bytes));

        StringAssert.Contains(e.Message, $"format version {GraphSerializer.CurrentFormatVersion + 1}");
        StringAssert.Contains(e.Message, $"reads versions 1 to {GraphSerializer.CurrentFormatVersion}");
    }

    [TestMethod]
    public void TruncatedOrForeignDataGivesFormatException()
    {
        byte[] bytes = GraphSerializer.ToBytes(AllNodeTypes());

        Assert.ThrowsExactly<FormatException>(() => GraphSerializer.FromBytes(bytes[..(bytes.Length / 2)]));
        Assert.ThrowsExactly<FormatException>(() => GraphSerializer.FromBytes("not a graph"u8.ToArray()));
    }

    private static ModelGraph AllNodeTypes()
    {
        static Tensor T(params int[] dims)
        {
            var s = new Shape(dims);
            return new Tensor(s, Enumerable.Range(0, (int)s.ElementCount).Select(i => MathF.Cos(i) / 4).ToArray());
        }
        var nodes = new Node[]
        {
            new ElementwiseNode("norm", "x", "n", ElementwiseOp.Sub, T(1, 2, 1, 1), constantFirst: false),
            new ConvNode("conv", "n", "c", T(4, 1, 3, 3), [0.1f, 0.2f, 0.3f, 0.4f], [1, 1], [1, 1], [1, 1], [1, 1], groups: 2),
            new BatchNormNode("bn", "c", "b", [1f, 2f, 3f, 4f], [0f, 0.5f, -0.5f, 1f]),
            new ActivationNode("leaky", "b", "l", ActivationKind.LeakyRelu, alpha: 0.2f),
            new PoolNode("pool", "l", "p", PoolKind.Max, [2, 2], [2, 2], [0, 0], [1, 1], [1, 1], ceilMode: true, countIncludePad: false),
            new ActivationNode("clip", "p", "k", ActivationKind.Clip, min: 0f, max: 6f),
            new GlobalAveragePoolNode("gap", "k", "g"),
            new ReshapeNode("reshape", "g", "r", [0, -1]),
            new FlattenNode("flatten", "r", "f", 1),
            new FullyConnectedNode("fc", "f", "y", T(3, 4), null, "MatMul"),
            new SoftmaxNode("softmax", "y", "out"),
        };
        return new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 2, 6, 6)), nodes, ["out"], "all-node-types");
    }
}
