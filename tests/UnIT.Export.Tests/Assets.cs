using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.Onnx;

namespace UnIT.Export.Tests;

/// <summary>The repository's models and data, copied next to the tests; and the CI rule for missing tools.</summary>
internal static class Assets
{
    private static string Dir => Path.Combine(AppContext.BaseDirectory, "assets");

    /// <summary>
    /// The model, <paramref name="images"/> test images and 100 calibration images of "mnist" or "fashion" (the repository holds
    /// 500 Fashion-MNIST test images; more are read from its 1,000 training images, which bit-exactness checks may use).
    /// </summary>
    public static (ModelGraph Graph, SampleSet Test, SampleSet Calibration) Load(string dataset, int images)
    {
        (string model, string test, string calibration) = dataset == "mnist"
            ? ("mnist_cnn.onnx", "mnist/mnist-test-images-idx3-ubyte.gz", "mnist/mnist-val-images-idx3-ubyte.gz")
            : ("fashion_mnist_cnn.onnx", images <= 500 ? "fashion-mnist/test-500-images-idx3-ubyte.gz" : "fashion-mnist/train-55000-55999-images-idx3-ubyte.gz",
                "fashion-mnist/train-55000-55999-images-idx3-ubyte.gz");
        ModelGraph graph = OnnxImporter.Import(Path.Combine(Dir, "models", model));
        return (graph,
            DatasetLoader.Load(Path.Combine(Dir, "data", test), null, null, images, graph.Input.Shape),
            DatasetLoader.Load(Path.Combine(Dir, "data", calibration), null, null, 100, graph.Input.Shape));
    }

    /// <summary>True when CI is "true" or "1".</summary>
    public static bool InCi => Environment.GetEnvironmentVariable("CI")?.Trim().ToLowerInvariant() is "true" or "1";

    /// <summary>A failure under CI (which installs every tool), else Inconclusive (reported as skipped).</summary>
    public static Exception Missing(string what) => InCi
        ? new AssertFailedException($"{what} Under CI=true a missing prerequisite is a failure (.ci/run installs it).")
        : new AssertInconclusiveException($"{what} Inconclusive (reported as skipped) outside CI; under CI=true this fails.");
}
