using System.Diagnostics;
using FashionMnistPipeline;
using Microsoft.ML;
using Microsoft.ML.Data;
using UnIT.ML.Data;
using UnIT.ML.Evaluation;
using UnIT.ML.Graph;
using UnIT.ML.MLNet;
using UnIT.ML.Pruning;
using UnIT.Onnx;
using UnIT.Onnx.MLNet;

// Usage: dotnet run --project examples/FashionMnistPipeline [-- --full] [--percentile P]
//   default: the Fashion-MNIST slices shipped in data/ (calibrate on 1,000 train images, test on 500);
//   --full:  /usr/share/datasets/fashion-mnist (or $UNIT_FASHION_MNIST_DIR): train 55000-55999, all 10,000 test images.
bool full = args.Contains("--full");
int p = Array.IndexOf(args, "--percentile");
double percentile = p >= 0 ? double.Parse(args[p + 1], System.Globalization.CultureInfo.InvariantCulture) : 50;
string assets = Path.Combine(AppContext.BaseDirectory, "assets");
string modelPath = Path.Combine(assets, "models", "fashion_mnist_cnn.onnx");

var ml = new MLContext(seed: 1);
(IDataView calibration, IDataView test, string source) = full ? FullDataset(ml) : ShippedSlices(ml, assets);
Console.WriteLine($"Data: {source}");

// 1. The UnIT pipeline: calibrate thresholds in Fit, prune at inference. It adds Score and PredictedLabel (a key,
//    as ML.NET trainers make it), so the evaluator needs no extra step.
var unitPipeline = ml.Transforms.ApplyUnitPruning("Score", "Features", modelPath, percentile);
var clock = Stopwatch.StartNew();
ITransformer unitModel = unitPipeline.Fit(calibration);
Console.WriteLine($"UnIT fit (calibration, p = {percentile}): {clock.Elapsed.TotalSeconds:F1} s");

// 2. The same model through ML.NET's own ONNX scorer, which gives no PredictedLabel: the example's argmax mapping adds it.
ModelGraph graph = OnnxImporter.Import(modelPath);
var onnxPipeline = ml.Transforms.CopyColumns(graph.Input.Name, "Features")
    .Append(ml.Transforms.ApplyOnnxModel([graph.Outputs[0].Name], [graph.Input.Name], modelPath))
    .Append(ml.Transforms.CopyColumns("Score", graph.Outputs[0].Name))
    .Append(ml.Transforms.CustomMapping<ArgMaxMapping.Input, ArgMaxMapping.Output>(ArgMaxMapping.Map, ArgMaxMapping.ContractName));
ITransformer onnxModel = onnxPipeline.Fit(calibration);

// 3. Evaluate both with ML.NET's multiclass metrics; count the MACs UnIT skipped while doing so.
UnitPruningTransformer unit = UnitPruningTransformer.FromLoadedModel(unitModel);
unit.ResetStatistics();
MulticlassClassificationMetrics unitMetrics = ml.MulticlassClassification.Evaluate(unitModel.Transform(test));
InferenceStatistics stats = unit.Statistics;
MulticlassClassificationMetrics onnxMetrics = ml.MulticlassClassification.Evaluate(onnxModel.Transform(test));
long denseMacs = stats.Samples * graph.TotalMacsPerSample;

Console.WriteLine();
Console.WriteLine($"{"pipeline",-22} {"accuracy",9} {"MACs executed",16} {"MACs skipped",16} {"skipped",8}");
Console.WriteLine($"{"ApplyOnnxModel (dense)",-22} {onnxMetrics.MicroAccuracy,9:P2} {denseMacs,16:N0} {0,16:N0} {0,8:P1}");
Console.WriteLine($"{"UnIT (p = " + percentile + ")",-22} {unitMetrics.MicroAccuracy,9:P2} {stats.Executed,16:N0} {stats.SkippedZero + stats.SkippedThreshold,16:N0} {stats.SkippedFraction,8:P1}");
Console.WriteLine();
foreach (LayerStatistics layer in stats.Layers)
{
    Console.WriteLine($"  {layer.Layer,-14} T = {string.Join(",", unit.Thresholds.For(layer.Layer) ?? [0f]),-12} skipped {(double)(layer.SkippedZero + layer.SkippedThreshold) / layer.Total,6:P1} of {layer.Total:N0}");
}

// 4. PredictedLabel is what applications read: it must be the class with the highest score on every row.
float[][] before = Scores(unitModel.Transform(test));
uint[] predicted = PredictedClasses(unitModel.Transform(test));
int disagreements = predicted.Where((c, i) => c != ClassificationMetrics.ArgMax(before[i], before[i].Length)[0]).Count();
Console.WriteLine();
Console.WriteLine($"PredictedLabel differs from the argmax of Score on {disagreements} of {predicted.Length} rows");

// 5. Save with ML.NET, reload in a fresh context, and check the scores are identical.
string zip = Path.Combine(Path.GetTempPath(), "fashion-mnist-unit.zip");
ml.Model.Save(unitModel, test.Schema, zip);
ITransformer reloaded = SavedModelArchive.Load(new MLContext(seed: 2), zip, out _);
float[][] after = Scores(reloaded.Transform(test));
float maxDiff = before.Zip(after, (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max()).Max();
Console.WriteLine($"Saved to {zip} ({new FileInfo(zip).Length:N0} bytes), reloaded: {after.Length} rows, max |score difference| = {maxDiff}");
Console.WriteLine($"Reloaded thresholds equal: {UnitPruningTransformer.FromLoadedModel(reloaded).Thresholds.ToJson() == unit.Thresholds.ToJson()}");
return maxDiff == 0 && disagreements == 0 ? 0 : 1;

static (IDataView Calibration, IDataView Test, string Source) ShippedSlices(MLContext ml, string assets)
{
    string dir = Path.Combine(assets, "data", "fashion-mnist");
    SampleSet calibration = DatasetLoader.Load(Path.Combine(dir, "train-55000-55999-images-idx3-ubyte.gz"), Path.Combine(dir, "train-55000-55999-labels-idx1-ubyte.gz"));
    SampleSet test = DatasetLoader.Load(Path.Combine(dir, "test-500-images-idx3-ubyte.gz"), Path.Combine(dir, "test-500-labels-idx1-ubyte.gz"));
    return (View(ml, calibration), View(ml, test), $"shipped slices ({calibration.Count:N0} calibration, {test.Count:N0} test images)");
}

static (IDataView Calibration, IDataView Test, string Source) FullDataset(MLContext ml)
{
    FashionMnist data = FashionMnist.Locate();
    SampleSet calibration = data.LoadTrain(new RangeSpec(55_000, 56_000));
    SampleSet test = data.LoadTest();
    return (View(ml, calibration), View(ml, test), $"{data.Directory} ({calibration.Count:N0} calibration, {test.Count:N0} test images)");
}

static IDataView View(MLContext ml, SampleSet set) =>
    ml.Data.LoadFromEnumerable(Enumerable.Range(0, set.Count).Select(i => new ImageRow { Features = set.Sample(i).ToArray(), Label = set.Labels![i] }));

static float[][] Scores(IDataView view)
{
    DataViewSchema.Column column = view.Schema["Score"];
    using DataViewRowCursor cursor = view.GetRowCursor([column]);
    ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(column);
    var rows = new List<float[]>();
    VBuffer<float> value = default;
    while (cursor.MoveNext())
    {
        getter(ref value);
        rows.Add(value.DenseValues().ToArray());
    }
    return rows.ToArray();
}

// ML.NET stores key k + 1 for class k (0 is missing); reading the raw key shows what the evaluator and consumers see.
static uint[] PredictedClasses(IDataView view)
{
    DataViewSchema.Column column = view.Schema["PredictedLabel"];
    using DataViewRowCursor cursor = view.GetRowCursor([column]);
    ValueGetter<uint> getter = cursor.GetGetter<uint>(column);
    var classes = new List<uint>();
    uint key = 0;
    while (cursor.MoveNext())
    {
        getter(ref key);
        classes.Add(key - 1);
    }
    return classes.ToArray();
}
