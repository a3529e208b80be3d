using UnIT.ML.Graph;
using UnIT.Onnx.Tests.Helpers;

namespace UnIT.Onnx.Tests;

[TestClass]
public sealed class RealModelTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void FashionMnistModelHasThePapersShapesAndMacs()
    {
        ModelGraph graph = OnnxImporter.Import(TestData.ModelPath("fashion_mnist_cnn.onnx"));
        TestContext.WriteLine(graph.Summary());

        Assert.AreEqual("fashion_mnist_cnn", graph.Name);
        Assert.AreEqual("input", graph.Input.Name);
        Assert.AreEqual(new Shape(Shape.Dynamic, 1, 28, 28), graph.Input.Shape);
        Assert.AreEqual(new Shape(Shape.Dynamic, 10), graph.Outputs.Single().Shape);
        Assert.AreEqual(242_560L, graph.TotalMacsPerSample);
        long[] macs = graph.PrunableLayers.Select(graph.MacsPerSample).ToArray();
        CollectionAssert.AreEqual(new[] { 86_400L, 153_600L, 2_560L }, macs);
        Assert.IsInstanceOfType<ConvNode>(graph.PrunableLayers[0]);
        Assert.IsInstanceOfType<ConvNode>(graph.PrunableLayers[1]);
        Assert.IsInstanceOfType<FullyConnectedNode>(graph.PrunableLayers[2]);
        // The (x - mean) / std normalization stays as two element-wise nodes.
        Assert.AreEqual(2, graph.Nodes.OfType<ElementwiseNode>().Count());
    }

    [TestMethod]
    [DataRow("mnist_cnn.onnx")]
    [DataRow("fashion_mnist_cnn_ttp70.onnx")]
    public void MnistSizedModelsHaveTheSameMacs(string file)
    {
        ModelGraph graph = OnnxImporter.Import(TestData.ModelPath(file));
        Assert.AreEqual(new Shape(Shape.Dynamic, 1, 28, 28), graph.Input.Shape);
        Assert.AreEqual(242_560L, graph.TotalMacsPerSample);
    }

    [TestMethod]
    public void CifarShapeModelHasAThreeChannelInput()
    {
        ModelGraph graph = OnnxImporter.Import(TestData.ModelPath("cifar10_shape_random.onnx"));
        TestContext.WriteLine(graph.Summary());
        Assert.AreEqual("[?,3,32,32]", graph.Input.Shape.ToString());
        Assert.AreEqual(new Shape(Shape.Dynamic, 10), graph.Outputs.Single().Shape);
        Assert.AreEqual(400, ((FullyConnectedNode)graph.PrunableLayers[^1]).InputFeatures);
    }

    [TestMethod]
    public void ImportFromStreamAndBytesMatchesImportFromPath()
    {
        string path = TestData.ModelPath("mnist_cnn.onnx");
        using FileStream stream = File.OpenRead(path);
        ModelGraph fromStream = OnnxImporter.Import(stream);
        ModelGraph fromBytes = OnnxImporter.Import(File.ReadAllBytes(path));
        ModelGraph fromPath = OnnxImporter.Import(path);
        Assert.AreEqual(fromPath.Summary().Replace("mnist_cnn", "", StringComparison.Ordinal).Length, fromPath.Summary().Replace("mnist_cnn", "", StringComparison.Ordinal).Length);
        CollectionAssert.AreEqual(fromPath.Nodes.Select(n => n.Name).ToArray(), fromStream.Nodes.Select(n => n.Name).ToArray());
        CollectionAssert.AreEqual(fromPath.Nodes.Select(n => n.Name).ToArray(), fromBytes.Nodes.Select(n => n.Name).ToArray());
        Assert.AreEqual(fromPath.TotalMacsPerSample, fromBytes.TotalMacsPerSample);
    }

    [TestMethod]
    [DataRow("fashion_mnist_cnn.onnx", "fashion-mnist", "test-500-images-idx3-ubyte.gz", "test-500-labels-idx1-ubyte.gz", 0.80)]
    [DataRow("fashion_mnist_cnn_ttp70.onnx", "fashion-mnist", "test-500-images-idx3-ubyte.gz", "test-500-labels-idx1-ubyte.gz", 0.80)]
    [DataRow("mnist_cnn.onnx", "mnist", "mnist-test-images-idx3-ubyte.gz", "mnist-test-labels-idx1-ubyte.gz", 0.90)]
    public void RealModelsMatchOnnxRuntimeOnRealImages(string file, string folder, string images, string labels, double minAccuracy)
    {
        string path = TestData.ModelPath(file);
        (float[] pixels, int count, int rows, int cols) = IdxImages.ReadImages(TestData.DataPath(folder, images), 500);
        byte[] truth = IdxImages.ReadLabels(TestData.DataPath(folder, labels), count);
        int[] shape = [count, 1, rows, cols];
        ModelGraph graph = OnnxImporter.Import(path);

        (float[] expected, int[] expectedShape) = OrtRunner.Run(path, pixels, shape);
        Tensor actual = Parity.RunEngine(graph, pixels, shape);
        Parity.AssertClose(expected, expectedShape, actual, file);

        int correct = Enumerable.Range(0, count).Count(i => Parity.ArgMax(actual.Data, i * 10, 10) == truth[i]);
        double accuracy = (double)correct / count;
        TestContext.WriteLine($"{file}: accuracy {accuracy:P1} on {count} images");
        Assert.IsTrue(accuracy >= minAccuracy, $"accuracy {accuracy:P1} is below {minAccuracy:P0}");
    }

    [TestMethod]
    public void CifarShapeModelMatchesOnnxRuntimeOnRandomInput()
    {
        byte[] model = File.ReadAllBytes(TestData.ModelPath("cifar10_shape_random.onnx"));
        Parity.Check(model, [8, 3, 32, 32], seed: 3, lo: 0f, hi: 1f);
        Parity.Check(model, [1, 3, 32, 32], seed: 4);
    }
}
