#:project ../../src/UnIT.Onnx/UnIT.Onnx.csproj
#:package Microsoft.ML.OnnxTransformer
#:package Microsoft.ML.OnnxRuntime
// ML.NET generates code at run time; file-based apps default to native AOT, which forbids it.
#:property PublishAot=false

// Fashion-MNIST with UnIT pruning in an ML.NET pipeline, as a notebook-style script (the notebook itself is
// fashion_mnist.ipynb, next to this file):
//   dotnet run examples/notebook/fashion_mnist.cs
// Each "cell" below prints what it did. Package versions come from the repo's Directory.Packages.props.
using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using UnIT.ML.Data;
using UnIT.ML.Evaluation;
using UnIT.ML.Graph;
using UnIT.ML.MLNet;
using UnIT.Onnx;
using UnIT.Onnx.MLNet;

// %% Cell 1: data and model. The repo ships 1,000 calibration and 500 test images.
string repo = Path.GetFullPath(Path.Combine(ScriptDirectory(), "..", ".."));
string modelPath = Path.Combine(repo, "models", "fashion_mnist_cnn.onnx");
string data = Path.Combine(repo, "data", "fashion-mnist");
var ml = new MLContext(seed: 1);
IDataView calibration = View(ml, DatasetLoader.Load(Path.Combine(data, "train-55000-55999-images-idx3-ubyte.gz"), Path.Combine(data, "train-55000-55999-labels-idx1-ubyte.gz")));
IDataView test = View(ml, DatasetLoader.Load(Path.Combine(data, "test-500-images-idx3-ubyte.gz"), Path.Combine(data, "test-500-labels-idx1-ubyte.gz")));
ModelGraph graph = OnnxImporter.Import(modelPath);
Console.WriteLine(graph.Summary());

// %% Cell 2: the UnIT pipeline. Fit calibrates the thresholds (50th percentile of |x*w| per layer); the
// transformer adds Score and PredictedLabel, so the evaluator needs nothing more.
var unitPipeline = ml.Transforms.ApplyUnitPruning("Score", "Features", modelPath, percentile: 50);
ITransformer unitModel = unitPipeline.Fit(calibration);
UnitPruningTransformer unit = UnitPruningTransformer.FromLoadedModel(unitModel);
Console.WriteLine($"Thresholds: {string.Join(", ", unit.Thresholds.Layers.Select(kv => $"{kv.Key}={kv.Value[0]:G4}"))}");

// %% Cell 3: the same model through ML.NET's ApplyOnnxModel, for comparison.
var onnxPipeline = ml.Transforms.CopyColumns(graph.Input.Name, "Features")
    .Append(ml.Transforms.ApplyOnnxModel([graph.Outputs[0].Name], [graph.Input.Name], modelPath))
    .Append(ml.Transforms.CopyColumns("Score", graph.Outputs[0].Name))
    .Append(ml.Transforms.CustomMapping<ScoreRow, PredictionRow>(ArgMax.Map, ArgMax.ContractName));
ITransformer onnxModel = onnxPipeline.Fit(calibration);

// %% Cell 4: evaluate both with ML.NET's multiclass metrics.
unit.ResetStatistics();
double unitAccuracy = ml.MulticlassClassification.Evaluate(unitModel.Transform(test)).MicroAccuracy;
var stats = unit.Statistics;
double onnxAccuracy = ml.MulticlassClassification.Evaluate(onnxModel.Transform(test)).MicroAccuracy;
Console.WriteLine($"ApplyOnnxModel: accuracy {onnxAccuracy:P2}, MACs skipped 0 of {stats.Samples * graph.TotalMacsPerSample:N0}");
Console.WriteLine($"UnIT p=50:      accuracy {unitAccuracy:P2}, MACs skipped {stats.SkippedZero + stats.SkippedThreshold:N0} of {stats.Total:N0} ({stats.SkippedFraction:P1})");

// %% Cell 5: save with ML.NET, load it back, score again.
string zip = Path.Combine(Path.GetTempPath(), "fashion-mnist-unit-notebook.zip");
ml.Model.Save(unitModel, test.Schema, zip);
ITransformer reloaded = SavedModelArchive.Load(new MLContext(), zip, out _);
float[][] before = Scores(unitModel.Transform(test)), after = Scores(reloaded.Transform(test));
float maxDiff = before.Zip(after, (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max()).Max();
Console.WriteLine($"Reloaded {zip}: max |score difference| over {after.Length} rows = {maxDiff}");

static string ScriptDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

static IDataView View(MLContext ml, SampleSet set) =>
    ml.Data.LoadFromEnumerable(Enumerable.Range(0, set.Count).Select(i => new ImageRow { Features = set.Sample(i).ToArray(), Label = set.Labels![i] }));

static float[][] Scores(IDataView view) =>
    view.GetColumn<float[]>("Score").ToArray();

internal sealed class ImageRow
{
    [VectorType(28 * 28)]
    public float[] Features { get; set; } = [];

    // The multiclass evaluator reads a Single label as the class index.
    public float Label { get; set; }
}

internal sealed class ScoreRow
{
    public float[] Score { get; set; } = [];
}

internal sealed class PredictionRow
{
    // The class index 0..9: a [KeyType] uint property is 0-based in ML.NET's typed API (stored as key k + 1).
    [KeyType(10)]
    public uint PredictedLabel { get; set; }
}

// A named mapping, so the pipeline that contains it can be saved and loaded.
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class ArgMax : CustomMappingFactory<ScoreRow, PredictionRow>
{
    public const string ContractName = "Notebook.ArgMax";

    public static void Map(ScoreRow s, PredictionRow p) => p.PredictedLabel = (uint)ClassificationMetrics.ArgMax(s.Score, s.Score.Length)[0];

    public override Action<ScoreRow, PredictionRow> GetMapping() => Map;
}
