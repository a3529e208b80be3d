#:project ../../src/UnIT.Export/UnIT.Export.csproj
// Measures stride-2 convolutions (the C's tested loop) in the MSP430 simulator beside the calibrated tables' estimates and
// the counts they are priced by (CostTable.TestedConvolutions was fitted on this output, docs/deployment.md).
// Run from the repository root: dotnet run tools/msp430/strided-conv-bench.cs -- CNN PERCENTILE... (CNN 0 to 3)
// A seeded CNN with He-initialized weights on 28x28 MNIST digits: conv 3x3 -> relu -> conv stride 2 -> relu -> conv stride 2 -> relu -> FC 10.
//   0: 6 -> 12 -> 12 channels, 3x3 kernels; 1: the middle kernel 5x5; 2: 6 -> 10 -> 16, the middle 3x3 unpadded, the last 1x1; 3: 4 -> 8 -> 8.
using UnIT.Export;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

int cnn = int.Parse(args[0]);
var rng = new Random(7 + cnn);
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
SampleSet calibration = DatasetLoader.Load("data/mnist/mnist-val-images-idx3-ubyte.gz", null, null, 256, graph.Input.Shape);
Tensor test = DatasetLoader.Load("data/mnist/mnist-test-images-idx3-ubyte.gz", null, null, 5, graph.Input.Shape).ToTensor(graph.Input.Shape);
Console.WriteLine("cnn,percentile,multiply,layer,cycles,estimate,division_estimate,samples,executed,loop_tests,loop_rows,row_searches,weight_reads,conv_outputs");
foreach (double percentile in args.Skip(1).Select(double.Parse))
{
    PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = "msp430", Percentile = percentile }, calibration.Batches(graph.Input.Shape, 256));
    var stats = new InferenceStatistics();
    model.Engine.Run(test, stats);
    foreach (McuBuild build in McuBench.Run(model, test, "tools/msp430", dense: false))
    {
        if (!build.LogitsMatch)
        {
            throw new InvalidOperationException($"CNN {cnn} at p{percentile} ({build.Multiply}): the simulated logits differ from the engine's.");
        }
        foreach (McuLayer layer in build.Layers.Where(l => l.Op == "Conv2d"))
        {
            LayerStatistics s = stats.For(layer.Name);
            // The thresholds' divisions the cost model charges per inference (the C holds them as constants): a fit leaves them out.
            CostTable table = build.Multiply == "hwmul" ? CostTable.Msp430HardwareMultiply : CostTable.Msp430SoftwareMultiply;
            double division = CostModel.EstimateLayer(table, s).DivisionCycles;
            Console.WriteLine($"{cnn},{percentile},{build.Multiply},{layer.Name},{layer.Cycles},{layer.Estimate},{division},{s.Samples},{s.Executed},{s.LoopTests},{s.LoopRows},{s.RowSearches},{s.WeightReads},{s.ConvOutputs}");
        }
    }
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
