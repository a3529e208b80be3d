using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Sweeps;
using UnIT.Onnx;

namespace UnIT.ML.Tests.Sweeps;

/// <summary>The shipped Fashion-MNIST model and slices for sweep and search tests, loaded once; and hand-made points.</summary>
internal static class SweepData
{
    private static readonly Lazy<ModelGraph> LazyModel = new(() => OnnxImporter.Import(Asset("models", "fashion_mnist_cnn.onnx")));
    private static readonly Lazy<SampleSet> LazyCalibration = new(() =>
        DatasetLoader.Load(Asset("data", "fashion-mnist", "train-55000-55999-images-idx3-ubyte.gz"), null, limit: 100));
    private static readonly Lazy<SampleSet> LazyValidation = new(() => DatasetLoader.Load(
        Asset("data", "fashion-mnist", "test-500-images-idx3-ubyte.gz"), Asset("data", "fashion-mnist", "test-500-labels-idx1-ubyte.gz"), limit: 300));

    public static ModelGraph Model => LazyModel.Value;

    /// <summary>The first 100 of the calibration slice (train 55000-55999), as batches of 50.</summary>
    public static IReadOnlyList<Tensor> Calibration => LazyCalibration.Value.Batches(Model.Input.Shape, 50).ToList();

    /// <summary>The first 300 shipped test images, used here as a validation set.</summary>
    public static Tensor Images => LazyValidation.Value.ToTensor(Model.Input.Shape);

    public static IReadOnlyList<int> Labels => LazyValidation.Value.Labels!;

    public static string Asset(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "assets", .. parts]);

    /// <summary>A UnIT point with just the figures a Pareto front or a report looks at.</summary>
    public static SweepPoint Point(double percentile, double accuracy, double skippedFraction, double cycles, string division = "exact",
        string profile = "float32", SweepPointKind kind = SweepPointKind.Unit) => new()
    {
        Coordinates = new SweepCoordinates
        {
            Kind = kind, Percentile = kind == SweepPointKind.Unit ? percentile : null, Division = division, Profile = profile,
        },
        Samples = 100,
        Accuracy = accuracy,
        F1Macro = accuracy,
        DenseAccuracy = 0.9,
        MacsTotal = 1000,
        MacsSkippedZero = 100,
        MacsSkippedThreshold = 1000 * skippedFraction - 100,
        MacsExecuted = 1000 * (1 - skippedFraction),
        Cycles = cycles,
        DenseCycles = 10000,
        EnergyMicrojoules = cycles / 100,
        DenseEnergyMicrojoules = 100,
        Speedup = 10000 / cycles,
        WallSeconds = 0.5,
        Thresholds = ThresholdSet.Explicit(new Dictionary<string, float> { ["conv"] = (float)percentile / 100 }),
        Layers = [],
    };
}
