using System.Globalization;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.Onnx;

namespace UnIT.Export.Tests;

/// <summary>
/// Graphs with branches: the residual network and a small seeded graph that uses every non-MAC emitter (two-value
/// arithmetic with broadcast, Concat, pools, activations, Pad, Slice), exported for msp430 and max78000, compiled on the
/// host and compared with the engine bit for bit; and the refusals of what cannot be generated exactly.
/// </summary>
[TestClass]
public sealed class DagExportTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>Residual-network test images: UNIT_EXPORT_HOST_IMAGES (at most the 500 held), else 100 to keep CI short.</summary>
    private static int Images => Math.Min(500, int.TryParse(Environment.GetEnvironmentVariable("UNIT_EXPORT_HOST_IMAGES"), CultureInfo.InvariantCulture, out int n) ? n : 100);

    [TestMethod]
    [DataRow("msp430", false)]
    [DataRow("max78000", false)]
    [DataRow("msp430", true)]
    public void Residual_network_C_equals_the_engine_on_test_images(string profile, bool everyOtherLayerDense)
    {
        string assets = Path.Combine(AppContext.BaseDirectory, "assets");
        ModelGraph graph = OnnxImporter.Import(Path.Combine(assets, "models", "fashion_mnist_resnet.onnx"));
        Assert.IsTrue(graph.Nodes.Any(n => n is BinaryNode) && graph.Nodes.Any(n => n is GlobalAveragePoolNode), "the model has residual joins and a global pool");
        SampleSet test = DatasetLoader.Load(Path.Combine(assets, "data", "fashion-mnist", "test-500-images-idx3-ubyte.gz"), null, null, Images, graph.Input.Shape);
        SampleSet calibration = DatasetLoader.Load(Path.Combine(assets, "data", "fashion-mnist", "train-55000-55999-images-idx3-ubyte.gz"), null, null, 20, graph.Input.Shape);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = profile, Percentile = 50 }, calibration.Batches(graph.Input.Shape, 20));
        if (everyOtherLayerDense)
        {
            model = KernelChoice.RunDense(model, graph.PrunableLayers.Where((_, i) => i % 2 == 0).Select(l => l.Name), calibration.Batches(graph.Input.Shape, 20));
        }

        EngineComparison.Check(model, test.ToTensor(graph.Input.Shape), test.Count, dense: false, TestContext);
    }

    [TestMethod]
    [DataRow("msp430")]
    [DataRow("max78000")]
    public void Seeded_branching_graph_C_equals_the_engine(string profile)
    {
        ModelGraph graph = Branching(seed: 7);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = profile, Percentile = 50 }, [Random(graph, 64, seed: 1)]);

        EngineComparison.Check(model, Random(graph, 40, seed: 2), 40, dense: false, TestContext);
    }

    [TestMethod]
    [DataRow("msp430")]
    [DataRow("max78000")]
    public void Broadcast_on_either_side_division_constant_max_prelu_and_transpose_equal_the_engine(string profile)
    {
        var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 3, 4, 5)),
        [
            new GlobalAveragePoolNode("gap", "x", "g"),
            new BinaryNode("sub", "g", "x", "s", ElementwiseOp.Sub),
            new ActivationNode("clip", "x", "c", ActivationKind.Clip, min: 0f, max: 1f),
            new ElementwiseNode("plus2", "c", "d", ElementwiseOp.Add, new Tensor(new Shape(1), [2f]), constantFirst: false),
            new BinaryNode("div", "s", "d", "q", ElementwiseOp.Div),
            new BinaryNode("min", "q", "g", "m", ElementwiseOp.Min),
            new ElementwiseNode("floor", "m", "m2", ElementwiseOp.Max, new Tensor(new Shape(1), [-0.5f]), constantFirst: false),
            new ElementwiseNode("prelu", "m2", "m3", ElementwiseOp.PRelu, new Tensor(new Shape(3, 1, 1), [0.1f, 0.2f, 0.3f]), constantFirst: false),
            new TransposeNode("swap", "m3", "t", [0, 1, 3, 2]),
            new FlattenNode("flat", "t", "f", 1),
            Dense("fc", "f", "y", 60, 4, 11),
        ], ["y"], "broadcasting");
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = profile, Percentile = 50 }, [Random(graph, 64, seed: 12)]);

        EngineComparison.Check(model, Random(graph, 40, seed: 13), 40, dense: false, TestContext);
    }

    [TestMethod]
    [DataRow(ActivationKind.Sigmoid)]
    [DataRow(ActivationKind.Tanh)]
    [DataRow(ActivationKind.Elu)]
    public void Activations_built_on_exp_or_tanh_are_refused_by_name(ActivationKind kind)
    {
        var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 8)),
            [Dense("fc", "x", "h", 8, 8, 3), new ActivationNode("act", "h", "y", kind)], ["y"]);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = "max78000", Percentile = 50 }, [Random(graph, 16, seed: 4)]);

        var e = Assert.ThrowsExactly<CExportException>(() => CExporter.Export(model));
        StringAssert.Contains(e.Message, "'act'");
        StringAssert.Contains(e.Message, kind.ToString());
        StringAssert.Contains(e.Message, "bit-exact");
    }

    [TestMethod]
    public void A_node_without_an_emitter_is_refused_naming_node_and_op()
    {
        var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 8)),
            [Dense("fc", "x", "h", 8, 8, 5), new SoftmaxNode("probabilities", "h", "y")], ["y"]);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = "msp430", Percentile = 50 }, [Random(graph, 16, seed: 6)]);

        var e = Assert.ThrowsExactly<CExportException>(() => CExporter.Export(model));
        StringAssert.Contains(e.Message, "'probabilities' (Softmax) has no C emitter");
    }

    /// <summary>
    /// conv, relu; branch A: conv, LeakyRelu; branch B: AveragePool (padding excluded), HardSwish; A + B, times the
    /// global mean of A (a [C,1,1] operand broadcast), Max with B; Concat with the first relu; Slice; Pad with a fill;
    /// Clip, HardSigmoid, Softsign, Sub of two values; AveragePool counting padding; GlobalAveragePool, Flatten, FC.
    /// </summary>
    internal static ModelGraph Branching(int seed)
    {
        var p = new SeededParameters(seed);
        PoolNode Avg(string name, string input, string output, bool includePad) =>
            new(name, input, output, PoolKind.Average, [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], ceilMode: false, countIncludePad: includePad);
        Node[] nodes =
        [
            new ConvNode("c1", "x", "a1", p.Weights(4, 2, 3, 3), p.Bias(4), [1, 1], [1, 1], [1, 1], [1, 1], 1),
            new ActivationNode("r1", "a1", "h1", ActivationKind.Relu),
            new ConvNode("c2", "h1", "a2", p.Weights(4, 4, 3, 3), p.Bias(4), [1, 1], [1, 1], [1, 1], [1, 1], 1),
            new ActivationNode("leaky", "a2", "ha", ActivationKind.LeakyRelu, alpha: 0.1f),
            Avg("avg", "h1", "pb", includePad: false),
            new ActivationNode("hswish", "pb", "hb", ActivationKind.HardSwish),
            new BinaryNode("add", "ha", "hb", "s", ElementwiseOp.Add),
            new GlobalAveragePoolNode("gap_a", "ha", "ga"),
            new BinaryNode("scale", "s", "ga", "m", ElementwiseOp.Mul),
            new BinaryNode("max", "m", "hb", "mx", ElementwiseOp.Max),
            new ConcatNode("cat", ["mx", "h1"], "cat", 1),
            new SliceNode("slice", "cat", "sl", [1, 0, 0], [1, 1, 1], [6, 8, 8]),
            new PadNode("pad", "sl", "pd", PadMode.Constant, [0, 0, 1, 1], [0, 0, 1, 1], 0.25f),
            new ActivationNode("clip", "pd", "cl", ActivationKind.Clip, min: -1f, max: 2f),
            new ActivationNode("hsig", "cl", "hs", ActivationKind.HardSigmoid, alpha: 0.3f, beta: 0.4f),
            new ActivationNode("soft", "pd", "ss", ActivationKind.Softsign),
            new BinaryNode("sub", "hs", "ss", "d", ElementwiseOp.Sub),
            Avg("avg_pad", "d", "ap", includePad: true),
            new GlobalAveragePoolNode("gap", "ap", "g"),
            new FlattenNode("flat", "g", "f", 1),
            Dense("fc", "f", "y", 6, 5, p.Rng.Next()),
        ];
        return new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 2, 8, 8)), nodes, ["y"], "branching");
    }

    internal static FullyConnectedNode Dense(string name, string input, string output, int inputs, int outputs, int seed) =>
        new(name, input, output, new SeededParameters(seed).Weights(outputs, inputs), new float[outputs]);

    internal static Tensor Random(ModelGraph graph, int count, int seed)
    {
        var rng = new Random(seed);
        int size = graph.InputSampleSize;
        return new Tensor(graph.Input.Shape.WithBatch(count), Enumerable.Range(0, size * count).Select(_ => (float)(rng.NextDouble() * 2 - 0.5)).ToArray());
    }
}
