// Fits and scores UnIT from the packed packages on the shipped Fashion-MNIST slices and model, renders a plot
// with UnIT.Reports, and saves and reloads the ML.NET model. Exit code 0 only when every step worked.
//   dotnet run --project tests/PackageConsumer -- <repository root>
using Microsoft.ML;
using Microsoft.ML.Data;
using UnIT.ML.Data;
using UnIT.ML.MLNet;
using UnIT.ML.Pruning;
using UnIT.ML.Sweeps;
using UnIT.Onnx.MLNet;
using UnIT.Reports;

string repo = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..");
string data = Path.Combine(repo, "data", "fashion-mnist");
string modelPath = Path.Combine(repo, "models", "fashion_mnist_cnn.onnx");
var ml = new MLContext(seed: 1);
IDataView calibration = View(ml, DatasetLoader.Load(Path.Combine(data, "train-55000-55999-images-idx3-ubyte.gz"), Path.Combine(data, "train-55000-55999-labels-idx1-ubyte.gz"), limit: 200));
IDataView test = View(ml, DatasetLoader.Load(Path.Combine(data, "test-500-images-idx3-ubyte.gz"), Path.Combine(data, "test-500-labels-idx1-ubyte.gz")));

ITransformer model = ml.Transforms.ApplyUnitPruning("Score", "Features", modelPath, percentile: 50).Fit(calibration);
UnitPruningTransformer unit = UnitPruningTransformer.FromLoadedModel(model);
MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
Console.WriteLine($"consumer: UnIT p=50 accuracy {metrics.MicroAccuracy:F4} on 500 test images, MACs skipped {unit.Statistics.SkippedFraction:P1}");

// The thresholds file round trip, with reflection-based JSON off by default in this project (as in `dotnet run app.cs`).
ThresholdSet thresholds = ThresholdSet.FromJson(unit.Thresholds.ToJson(), "the consumer's thresholds");
bool sameThresholds = thresholds.Layers.Count > 0 && thresholds.Layers.All(kv => kv.Value.SequenceEqual(unit.Thresholds.Layers[kv.Key]));
Console.WriteLine($"consumer: thresholds JSON round trip {(sameThresholds ? "equal" : "DIFFERS")}");

string zip = Path.Combine(Path.GetTempPath(), $"unit-consumer-{Guid.NewGuid():N}.zip");
ml.Model.Save(model, test.Schema, zip);
ITransformer loaded = new MLContext().Model.Load(zip, out _);
File.Delete(zip);
double reloaded = ml.MulticlassClassification.Evaluate(loaded.Transform(test)).MicroAccuracy;
Console.WriteLine($"consumer: reloaded accuracy {reloaded:F4}");

// An empty report still draws axes: enough to load ScottPlot and SkiaSharp's native library from the packages.
var report = new SweepReport([], "consumer check");
using var png = new MemoryStream();
SweepPlotter.WritePng(report, png, ParetoObjective.SkippedFraction, 320, 240);
Console.WriteLine($"consumer: plot {png.Length} bytes of PNG");

bool ok = metrics.MicroAccuracy > 0.5 && sameThresholds && reloaded == metrics.MicroAccuracy && unit.Statistics.SkippedFraction > 0 && png.Length > 0;
Console.WriteLine(ok ? "consumer: OK" : "consumer: FAILED");
return ok ? 0 : 1;

static IDataView View(MLContext ml, SampleSet set) =>
    ml.Data.LoadFromEnumerable(Enumerable.Range(0, set.Count).Select(i => new ImageRow { Features = set.Sample(i).ToArray(), Label = set.Labels![i] }));

internal sealed class ImageRow
{
    [VectorType(28 * 28)]
    public float[] Features { get; set; } = [];

    public float Label { get; set; }
}
