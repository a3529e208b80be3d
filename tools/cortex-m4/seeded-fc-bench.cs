#:project ../../src/UnIT.Export/UnIT.Export.csproj
// Measures the float32 (max78000) fully connected loops on a Cortex-M4F in QEMU, beside the calibrated-m4 table's estimate
// and the counts it prices (CostTable.CortexM4Instructions; docs/deployment.md). The shipped models' fully connected layers
// all have 10 neurons; these have 12 to 192. Run from the repository root:
//   dotnet run tools/cortex-m4/seeded-fc-bench.cs -- [--division NAME] [--skip-compensation] CHANNELS HIDDEN BIAS_SHIFT PERCENTILE...
// A seeded network on the 28x28 digits: conv 3x3 stride 2 (CHANNELS filters, their bias shifted by BIAS_SHIFT so that more or
// fewer of the next layer's inputs are nonzero) -> relu -> FC HIDDEN ("hidden") -> relu -> FC 10, with only "hidden" pruned:
// at each PERCENTILE with one threshold and with a threshold per neuron (256 validation digits calibrate). Each of 5 test
// digits runs once per build; one CSV row per digit with "hidden"'s instructions and counts. --division picks the approximator
// (default: the profile's, bitmask), --skip-compensation compensates "hidden"'s skips.
using UnIT.Export;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

int flag = Array.IndexOf(args, "--division");
string? division = flag >= 0 ? args[flag + 1] : null;
bool compensated = args.Contains("--skip-compensation");
string[] positional = [.. args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (flag < 0 || i != flag + 1))];
int channels = int.Parse(positional[0]);
int hidden = int.Parse(positional[1]);
float biasShift = float.Parse(positional[2]);
double[] percentiles = [.. positional.Skip(3).Select(double.Parse)];
var rng = new Random(1000 * channels + hidden);
int features = channels * 14 * 14;
Node[] nodes =
[
    new ConvNode("c1", "x", "a1", Uniform([channels, 1, 3, 3], 9), [.. Enumerable.Repeat(biasShift, channels)], [2, 2], [1, 1], [1, 1], [1, 1], 1),
    new ActivationNode("r1", "a1", "h1", ActivationKind.Relu),
    new FlattenNode("flat", "h1", "f", 1),
    new FullyConnectedNode("hidden", "f", "z", Uniform([hidden, features], features), new float[hidden]),
    new ActivationNode("r2", "z", "hz", ActivationKind.Relu),
    new FullyConnectedNode("fc", "hz", "y", Uniform([10, hidden], hidden), new float[10]),
];
var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 1, 28, 28)), nodes, ["y"], $"fc{channels}x{hidden}");
int measured = Array.FindIndex(nodes, n => n.Name == "hidden");
SampleSet calibration = DatasetLoader.Load("data/mnist/mnist-val-images-idx3-ubyte.gz", null, null, 256, graph.Input.Shape);
Tensor test = DatasetLoader.Load("data/mnist/mnist-test-images-idx3-ubyte.gz", null, null, 5, graph.Input.Shape).ToTensor(graph.Input.Shape);
string tools = CortexM4Run.FindTools(Environment.CurrentDirectory) ?? throw new InvalidOperationException("Run from the repository (tools/cortex-m4 not found).");
string work = Path.Combine(Path.GetTempPath(), $"unit-m4-fc-{Guid.NewGuid():N}");
Console.WriteLine("channels,hidden,bias_shift,percentile,grouped,image,instructions,estimate,inputs,nonzero_inputs,tests,executed,outputs,divisions,compensations");
try
{
    foreach (double percentile in percentiles)
    {
        foreach (bool grouped in new[] { false, true })
        {
            var options = new PruningOptions
            {
                Profile = "max78000", Division = division, SkipCompensation = compensated, Percentile = 0, GroupWise = grouped,
                LayerPercentiles = new Dictionary<string, double> { ["hidden"] = percentile },
            };
            PrunedModel model = PrunedModel.Create(graph, options, calibration.Batches(graph.Input.Shape, 256));
            CExportResult c = CExporter.Export(model);
            int size = graph.InputSampleSize;
            for (int image = 0; image < test.Shape[0]; image++)
            {
                var one = new Tensor(new Shape(1, 1, 28, 28), test.Data.AsSpan(image * size, size).ToArray());
                var stats = new InferenceStatistics();
                float[] expected = model.Engine.Run(one, stats).Data;
                CortexM4Result run = CortexM4Run.Run(c, one.Data, tools, work);
                if (!run.Outputs.SequenceEqual(expected))
                {
                    throw new InvalidOperationException($"{graph.Name} p{percentile}{(grouped ? " group-wise" : "")}, digit {image}: QEMU's outputs differ from the engine's.");
                }
                LayerStatistics s = stats.For("hidden");
                double estimate = CostModel.EstimateLayer(CostTable.CortexM4Instructions, s).Cycles;
                long nonzero = grouped ? s.GroupedInputs : s.TestedInputs;
                Console.WriteLine(string.Join(",", channels, hidden, biasShift, percentile, grouped ? 1 : 0, image, run.NodeInstructions[measured],
                    estimate.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), s.ActivationReads, nonzero, s.WeightReads, s.Executed, hidden,
                    s.Division.Divisions, s.Compensations));
            }
        }
    }
}
finally
{
    if (Directory.Exists(work))
    {
        Directory.Delete(work, recursive: true);
    }
}

// Weights drawn uniformly from +-sqrt(6 / fan-in) (He's uniform form), so that activations keep their scale layer to layer.
Tensor Uniform(int[] shape, int fanIn)
{
    double limit = Math.Sqrt(6.0 / fanIn);
    var data = new float[shape.Aggregate(1, (a, b) => a * b)];
    for (int i = 0; i < data.Length; i++)
    {
        data[i] = (float)((2 * rng.NextDouble() - 1) * limit);
    }
    return new Tensor(new Shape(shape), data);
}
