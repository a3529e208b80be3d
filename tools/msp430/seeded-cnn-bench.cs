#:project ../../src/UnIT.Export/UnIT.Export.csproj
#:project ../../src/UnIT.Onnx/UnIT.Onnx.csproj
// Measures the MSP430 loops the shipped CNNs do not exercise, in the simulator, beside the calibrated tables' estimates and
// the counts they are priced by (docs/deployment.md). Run from the repository root:
//   dotnet run tools/msp430/seeded-cnn-bench.cs -- FAMILY CNN PERCENTILE... [--division NAME]
// --division runs every layer with that approximator instead of the profile's (exact: the fully connected loops divide at
// run time, which is how their division price was measured).
// Seeded CNNs with He-initialized weights on 28x28 MNIST digits (256 validation digits calibrate, 5 test digits run):
// - strided (CNN 0 to 3; CostTable.TestedConvolutions was fitted on it): stride-2 convolutions, which take the tested loop.
//   conv 3x3 -> relu -> conv stride 2 -> relu -> conv stride 2 -> relu -> FC 10; every layer at PERCENTILE.
//   0: 6 -> 12 -> 12 channels, 3x3 kernels; 1: the middle kernel 5x5; 2: 6 -> 10 -> 16, the middle 3x3 unpadded, the last 1x1; 3: 4 -> 8 -> 8.
//   Prints each convolution's cycles, estimate and counts, and the last layer's (a fully connected one of 10 neurons, the tested loop).
// - columns (CNN 0 to 5; CostTable.SortedColumns was fitted on 0 to 4): a fully connected layer of 16 to 192 neurons, which takes sorted columns.
//   conv 3x3 stride 2 -> relu -> conv 3x3 stride 2 -> relu -> FC H ("hidden") -> relu -> FC 10; only "hidden" at PERCENTILE,
//   so that its inputs stay those of the dense convolutions. Channels / H: 0: 4 / 16; 1: 3 / 64; 2: 6 / 32; 3: 2 / 96;
//   4: 1 / 192; 5: 4 / 48 (the hidden layer's inputs: channels x 49); 6 to 9: grouped 10 to 13's shapes with one threshold,
//   whose skip compensation takes the tested loop. Prints its cycles, estimate and counts, and the whole model's.
// - grouped (CNN 0 to 17; CostTable.GroupedFullyConnected, CostTable.FullyConnectedCompensation): the columns CNNs with group-wise thresholds, so that "hidden" has a
//   threshold per neuron and takes the grouped loop; besides, 6: 4 / 12, 7: 2 / 128, and 8 and 9: 4 / 32 with the second
//   convolution's bias shifted by -0.5 and +0.5, so that fewer or more of the hidden layer's inputs are nonzero; 10 to 13: the
//   shapes of 0, 6, 8 and 9 with skip compensation; 14: 2 / 16 and 15: 1 / 24 (98 and 49 inputs; 15's bias shifted as 9's),
//   and 16 and 17 the same with skip compensation.
// - lists (CNN 0 to 3): stride-1 convolutions, which take sorted lists, of 2 to 16 channels on 7x7 to 28x28 planes; every
//   layer at PERCENTILE. 0: 1 -> 4 (28x28), pool, 4 -> 8 (14x14); 1: 1 -> 8 5x5 (24x24), pool, 8 -> 4 -> 16 (12x12);
//   2: 1 -> 2 stride 2, 2 -> 12 -> 12 (14x14); 3: 1 -> 4 -> 8 two stride 2, 8 -> 8 -> 12 (7x7). Prints each list convolution and the last layer.
// - shipped (CNN 0: models/mnist_cnn.onnx on the digits, 1: models/fashion_mnist_cnn.onnx on data/fashion-mnist; 2 and 3:
//   the same with skip compensation): the shipped CNNs with every layer at PERCENTILE, each prunable layer printed.
// - nodes (CNN 0: 14x14 planes, 1: 20x20, 2: 12x12; CostTable.NodeCosts' int16 and soft-float ops beyond the shipped CNNs'
//   were measured on 0 and 1):
//   the nodes outside the prunable layers that a branching CNN has, one of each, with every layer at PERCENTILE. Prints
//   each node's cycles, its estimate and the elements it is priced by (CostModel.ElementsPerSample) in the executed column.
using UnIT.Export;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;
using UnIT.Onnx;

List<string> rest = [.. args];
int divisionAt = rest.IndexOf("--division");
string? approximator = divisionAt >= 0 && divisionAt + 1 < rest.Count ? rest[divisionAt + 1] : null;
if (divisionAt >= 0)
{
    rest.RemoveRange(divisionAt, Math.Min(2, rest.Count - divisionAt));
}
string family = rest[0];
int cnn = int.Parse(rest[1]);
double[] percentiles = [.. rest.Skip(2).Select(double.Parse)];
// A compensated CNN (columns 6 to 9, grouped 10 to 13, 16 and 17) has the shape of another and draws its weights, so that
// grouped 10 to 13, 16 and 17 pair with grouped 0, 6, 8, 9, 14 and 15: the same thresholds and MACs, and a difference in
// cycles that is the compensation's alone.
var compensatedShapes = new Dictionary<(string Family, int Cnn), int>
{
    [("grouped", 10)] = 0, [("grouped", 11)] = 6, [("grouped", 12)] = 8, [("grouped", 13)] = 9, [("grouped", 16)] = 14, [("grouped", 17)] = 15,
    [("columns", 6)] = 0, [("columns", 7)] = 6, [("columns", 8)] = 8, [("columns", 9)] = 9,
};
var rng = new Random((family == "strided" ? 7 : 11) + compensatedShapes.GetValueOrDefault((family, cnn), cnn));
(ModelGraph graph, Func<double, PruningOptions> options, string[] measured) = family switch
{
    "strided" => Strided(),
    "columns" => Columns(groupWise: false),
    "grouped" => Columns(groupWise: true),
    "nodes" => Nodes(),
    "lists" => Lists(),
    "shipped" => Shipped(),
    _ => throw new ArgumentException($"Family '{family}': strided, columns, grouped, lists, shipped or nodes."),
};
bool fashion = family == "shipped" && cnn % 2 == 1;
SampleSet calibration = DatasetLoader.Load(fashion ? "data/fashion-mnist/train-55000-55999-images-idx3-ubyte.gz" : "data/mnist/mnist-val-images-idx3-ubyte.gz",
    null, null, 256, graph.Input.Shape);
Tensor test = DatasetLoader.Load(fashion ? "data/fashion-mnist/test-500-images-idx3-ubyte.gz" : "data/mnist/mnist-test-images-idx3-ubyte.gz",
    null, null, 5, graph.Input.Shape).ToTensor(graph.Input.Shape);
string[] header =
[
    "cnn", "percentile", "multiply", "layer", "cycles", "estimate", "division_estimate", "samples", "executed",
    "loop_tests", "loop_rows", "row_searches", "activation_reads", "weight_reads", "conv_outputs", "column_inputs", "column_thresholds", "column_search_steps", "column_outputs", "grouped_inputs", "grouped_outputs",
    "list_scans", "list_entries", "list_sort_work", "list_search_steps", "list_walked", "list_tail_walked", "compensations", "compensated_outputs", "tested_inputs", "tested_outputs",
];
Console.WriteLine(string.Join(",", header));
foreach (double percentile in percentiles)
{
    PruningOptions chosen = options(percentile);
    PrunedModel model = PrunedModel.Create(graph, approximator is null ? chosen : chosen with { Division = approximator }, calibration.Batches(graph.Input.Shape, 256));
    var stats = new InferenceStatistics();
    model.Engine.Run(test, stats);
    foreach (McuBuild build in McuBench.Run(model, test, "tools/msp430", dense: false))
    {
        if (!build.LogitsMatch)
        {
            throw new InvalidOperationException($"{family} CNN {cnn} at p{percentile} ({build.Multiply}): the simulated logits differ from the engine's.");
        }
        foreach (McuLayer layer in build.Layers.Where(l => measured.Contains(l.Name)))
        {
            Node node = graph.Nodes.Single(n => n.Name == layer.Name);
            if (node is not PrunableNode)
            {
                Row(cnn, percentile, build.Multiply, layer.Name, layer.Cycles, layer.Estimate, "", "", CostModel.ElementsPerSample(graph, node));
                continue;
            }
            LayerStatistics s = stats.For(layer.Name);
            // The thresholds' divisions the cost model prices apart: a fit leaves them out.
            CostTable table = build.Multiply == "hwmul" ? CostTable.Msp430HardwareMultiply : CostTable.Msp430SoftwareMultiply;
            double division = CostModel.EstimateLayer(table, s).DivisionCycles;
            Row(cnn, percentile, build.Multiply, layer.Name, layer.Cycles, layer.Estimate, division, s.Samples, s.Executed,
                s.LoopTests, s.LoopRows, s.RowSearches, s.ActivationReads, s.WeightReads, s.ConvOutputs, s.ColumnInputs, s.ColumnThresholds, s.ColumnSearchSteps, s.ColumnOutputs, s.GroupedInputs, s.GroupedOutputs,
                s.ListScans, s.ListEntries, s.ListSortWork, s.ListSearchSteps, s.ListWalked, s.ListTailWalked, s.Compensations, s.CompensatedOutputs, s.TestedInputs, s.TestedOutputs);
        }
        Row(cnn, percentile, build.Multiply, "(model)", build.Cycles, build.CalibratedEstimatedCycles);
    }
}

// One CSV row, its missing trailing fields empty so that every row has the header's columns.
void Row(params object?[] fields) => Console.WriteLine(string.Join(",", fields.Concat(Enumerable.Repeat<object?>("", header.Length - fields.Length))));

(ModelGraph, Func<double, PruningOptions>, string[]) Strided()
{
    int c1 = cnn == 3 ? 4 : 6, c2 = cnn switch { 2 => 10, 3 => 8, _ => 12 }, c3 = cnn switch { 2 => 16, 3 => 8, _ => 12 };
    int k2 = cnn == 1 ? 5 : 3, p2 = cnn == 2 ? 0 : k2 / 2, k3 = cnn == 2 ? 1 : 3, p3 = cnn == 2 ? 0 : 1;
    int o2 = (28 + 2 * p2 - k2) / 2 + 1, o3 = (o2 + 2 * p3 - k3) / 2 + 1;
    Node[] nodes =
    [
        new ConvNode("c1", "x", "a1", Weights(c1, 1, 3, 3), Bias(c1), [1, 1], [1, 1], [1, 1], [1, 1], 1),
        new ActivationNode("r1", "a1", "h1", ActivationKind.Relu),
        new ConvNode("c2", "h1", "a2", Weights(c2, c1, k2, k2), Bias(c2), [2, 2], [p2, p2], [p2, p2], [1, 1], 1),
        new ActivationNode("r2", "a2", "h2", ActivationKind.Relu),
        new ConvNode("c3", "h2", "a3", Weights(c3, c2, k3, k3), Bias(c3), [2, 2], [p3, p3], [p3, p3], [1, 1], 1),
        new ActivationNode("r3", "a3", "h3", ActivationKind.Relu),
        new FlattenNode("flat", "h3", "f", 1),
        new FullyConnectedNode("fc", "f", "y", Weights(10, c3 * o3 * o3), Bias(10)),
    ];
    var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 1, 28, 28)), nodes, ["y"], $"strided{cnn}");
    return (graph, p => new PruningOptions { Profile = "msp430", Percentile = p }, ["c1", "c2", "c3", "fc"]);
}

(ModelGraph, Func<double, PruningOptions>, string[]) Columns(bool groupWise)
{
    // Grouped 10 to 13, 16 and 17: the shapes of 0, 6, 8, 9, 14 and 15 with skip compensation (its constants leave larger
    // ones no room in the FRAM); columns 6 to 9: the shapes of 0, 6, 8 and 9 with one threshold, which takes the tested loop
    // instead of sorted columns.
    bool compensated = compensatedShapes.TryGetValue((family, cnn), out int shape);
    shape = compensated ? shape : cnn;
    (int c, int h) = shape switch
    {
        0 => (4, 16), 1 => (3, 64), 2 => (6, 32), 3 => (2, 96), 4 => (1, 192), 5 => (4, 48),
        6 when groupWise || compensated => (4, 12), 7 when groupWise => (2, 128), 8 or 9 when groupWise || compensated => (4, 32),
        14 when groupWise => (2, 16), 15 when groupWise => (1, 24),
        _ => throw new ArgumentException($"CNN {cnn}: {(groupWise ? "0 to 17" : "0 to 9")}."),
    };
    // 8 and 9 shift the second convolution's bias, so that fewer (8) or more (9) of the hidden layer's inputs are nonzero; 15
    // as 9, since its one channel leaves them all 0 otherwise.
    float shift = shape switch { 8 => -0.5f, 9 or 15 => 0.5f, _ => 0f };
    Node[] nodes =
    [
        new ConvNode("c1", "x", "a1", Weights(c, 1, 3, 3), Bias(c), [2, 2], [1, 1], [1, 1], [1, 1], 1),
        new ActivationNode("r1", "a1", "h1", ActivationKind.Relu),
        new ConvNode("c2", "h1", "a2", Weights(c, c, 3, 3), [.. Bias(c).Select(b => b + shift)], [2, 2], [1, 1], [1, 1], [1, 1], 1),
        new ActivationNode("r2", "a2", "h2", ActivationKind.Relu),
        new FlattenNode("flat", "h2", "f", 1),
        new FullyConnectedNode("hidden", "f", "z", Weights(h, c * 49), Bias(h)),
        new ActivationNode("r3", "z", "hz", ActivationKind.Relu),
        new FullyConnectedNode("fc", "hz", "y", Weights(10, h), Bias(10)),
    ];
    var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 1, 28, 28)), nodes, ["y"], $"{(groupWise ? "groupedfc" : "sortedfc")}{cnn}");
    return (graph, p => new PruningOptions
    {
        Profile = "msp430", Percentile = 0, GroupWise = groupWise, SkipCompensation = compensated, LayerPercentiles = new Dictionary<string, double> { ["hidden"] = p },
    }, ["hidden"]);
}

(ModelGraph, Func<double, PruningOptions>, string[]) Lists()
{
    Node Conv(string name, string input, string output, int outC, int inC, int k, int stride = 1) =>
        new ConvNode(name, input, output, Weights(outC, inC, k, k), Bias(outC), [stride, stride], [k == 5 ? 0 : 1, k == 5 ? 0 : 1], [k == 5 ? 0 : 1, k == 5 ? 0 : 1], [1, 1], 1);
    Node Relu(string input, string output) => new ActivationNode("relu_" + input, input, output, ActivationKind.Relu);
    Node Pool(string input, string output) =>
        new PoolNode("pool_" + input, input, output, PoolKind.Max, [2, 2], [2, 2], [0, 0], [0, 0], [1, 1], ceilMode: false, countIncludePad: false);
    (Node[] body, int features, string[] lists) = cnn switch
    {
        0 => (new[] { Conv("c1", "x", "a1", 4, 1, 3), Relu("a1", "h1"), Pool("h1", "p1"), Conv("c2", "p1", "a2", 8, 4, 3), Relu("a2", "h2"), Pool("h2", "o") },
            8 * 7 * 7, new[] { "c1", "c2" }),
        1 => (new[] { Conv("c1", "x", "a1", 8, 1, 5), Relu("a1", "h1"), Pool("h1", "p1"), Conv("c2", "p1", "a2", 4, 8, 3), Relu("a2", "h2"),
            Conv("c3", "h2", "a3", 16, 4, 3), Relu("a3", "h3"), Pool("h3", "o") }, 16 * 6 * 6, new[] { "c1", "c2", "c3" }),
        2 => (new[] { Conv("c1", "x", "a1", 2, 1, 3, 2), Relu("a1", "h1"), Conv("c2", "h1", "a2", 12, 2, 3), Relu("a2", "h2"),
            Conv("c3", "h2", "a3", 12, 12, 3), Relu("a3", "h3"), Pool("h3", "o") }, 12 * 7 * 7, new[] { "c2", "c3" }),
        3 => (new[] { Conv("c1", "x", "a1", 4, 1, 3, 2), Relu("a1", "h1"), Conv("c2", "h1", "a2", 8, 4, 3, 2), Relu("a2", "h2"),
            Conv("c3", "h2", "a3", 8, 8, 3), Relu("a3", "h3"), Conv("c4", "h3", "a4", 12, 8, 3), Relu("a4", "o") }, 12 * 7 * 7, new[] { "c3", "c4" }),
        _ => throw new ArgumentException($"CNN {cnn}: 0 to 3."),
    };
    Node[] nodes = [.. body, new FlattenNode("flat", "o", "f", 1), new FullyConnectedNode("fc", "f", "y", Weights(10, features), Bias(10))];
    var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 1, 28, 28)), nodes, ["y"], $"lists{cnn}");
    return (graph, p => new PruningOptions { Profile = "msp430", Percentile = p }, [.. lists, "fc"]);
}

(ModelGraph, Func<double, PruningOptions>, string[]) Shipped()
{
    ModelGraph graph = OnnxImporter.Import(cnn switch
    {
        0 or 2 => "models/mnist_cnn.onnx",
        1 or 3 => "models/fashion_mnist_cnn.onnx",
        _ => throw new ArgumentException($"CNN {cnn}: 0 (mnist_cnn), 1 (fashion_mnist_cnn), 2 or 3 (the same with skip compensation)."),
    });
    return (graph, p => new PruningOptions { Profile = "msp430", Percentile = p, SkipCompensation = cnn >= 2 },
        [.. graph.PrunableLayers.Select(c => c.Name)]);
}

(ModelGraph, Func<double, PruningOptions>, string[]) Nodes()
{
    // 0: a 3x3 stride-2 convolution makes 14x14 planes; 1: a 9x9 unpadded one 20x20; 2: a 5x5 unpadded stride-2 one 12x12.
    (int stride, int kernel, int pad) = cnn switch { 0 => (2, 3, 1), 1 => (1, 9, 0), 2 => (2, 5, 0), _ => throw new ArgumentException($"CNN {cnn}: 0 to 2.") };
    int pooled = ((28 + 2 * pad - kernel) / stride + 1) / 2;
    Tensor perChannel = new(new Shape(4, 1, 1), [0.5f, -0.75f, 1.25f, 2f]);
    Node[] nodes =
    [
        new ConvNode("c1", "x", "a1", Weights(4, 1, kernel, kernel), Bias(4), [stride, stride], [pad, pad], [pad, pad], [1, 1], 1),
        new ActivationNode("relu", "a1", "h1", ActivationKind.Relu),
        new ConvNode("c2", "h1", "a2", Weights(4, 4, 3, 3), Bias(4), [1, 1], [1, 1], [1, 1], [1, 1], 1),
        new BinaryNode("add", "h1", "a2", "s", ElementwiseOp.Add),
        new BinaryNode("sub", "s", "h1", "d", ElementwiseOp.Sub),
        new BinaryNode("mul", "d", "a2", "m", ElementwiseOp.Mul),
        new BinaryNode("max", "m", "s", "mx", ElementwiseOp.Max),
        new ActivationNode("clip", "mx", "k", ActivationKind.Clip, min: 0, max: 6),
        new ActivationNode("leaky", "k", "l", ActivationKind.LeakyRelu, alpha: 0.1f),
        new BatchNormNode("bn", "l", "b", [0.9f, 1.1f, 0.8f, 1.2f], [0.1f, -0.1f, 0.05f, 0f]),
        new ElementwiseNode("mulc", "b", "mc", ElementwiseOp.Mul, perChannel, constantFirst: false),
        new ElementwiseNode("addc", "mc", "ac", ElementwiseOp.Add, new Tensor(new Shape(1), [0.25f]), constantFirst: false),
        new PoolNode("avg", "ac", "p1", PoolKind.Average, [2, 2], [2, 2], [0, 0], [0, 0], [1, 1], ceilMode: false, countIncludePad: false),
        new PoolNode("maxpool", "ac", "p2", PoolKind.Max, [2, 2], [2, 2], [0, 0], [0, 0], [1, 1], ceilMode: false, countIncludePad: false),
        new ConcatNode("cat", ["p1", "p2"], "cc", 1),
        new PadNode("pad", "cc", "pd", PadMode.Constant, [0, 0, 1, 1], [0, 0, 1, 1], 0f),
        new SliceNode("slice", "pd", "sl", [0, 1, 1], [1, 1, 1], [8, pooled, pooled]),
        new TransposeNode("transpose", "sl", "tr", [0, 1, 3, 2]),
        new GlobalAveragePoolNode("gap", "tr", "g"),
        new FlattenNode("flat", "g", "f", 1),
        new FullyConnectedNode("fc", "f", "y", Weights(10, 8), Bias(10)),
    ];
    var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 1, 28, 28)), nodes, ["y"], $"nodes{cnn}");
    return (graph, p => new PruningOptions { Profile = "msp430", Percentile = p }, [.. nodes.Where(n => n is not PrunableNode).Select(n => n.Name)]);
}

Tensor Weights(params int[] shape)
{
    int n = shape.Aggregate(1, (a, b) => a * b);
    double std = Math.Sqrt(2.0 * shape[0] / n);
    var data = new float[n];
    for (int i = 0; i < n; i++)
    {
        double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
        data[i] = (float)(std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
    return new Tensor(new Shape(shape), data);
}

float[] Bias(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 0.1 - 0.05))];
