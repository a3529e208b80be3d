using System.Buffers.Binary;
using Google.Protobuf;
using UnIT.ML.Graph;
using UnIT.Onnx.Importing;
using UnIT.Onnx.Protos;
using UnIT.Onnx.Tests.Helpers;
using DataType = UnIT.Onnx.Protos.TensorProto.Types.DataType;

namespace UnIT.Onnx.Tests;

/// <summary>
/// The form the newer PyTorch (dynamo) exporter writes: opset 18, Reshape with a shape
/// initializer instead of Flatten, and every weight in an external .data file next to the model.
/// Built from fashion_mnist_cnn.onnx's weights.
/// </summary>
[TestClass]
public sealed class ExternalDataTests
{
    private const string DataFile = "fashion_dynamo.onnx.data";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void DynamoStyleModelWithExternalWeightsMatchesOnnxRuntimeOnFashionMnist()
    {
        using var temp = new TempFolder();
        string dir = temp.Path;
        string path = WriteDynamoStyleModel(dir);
        Assert.IsTrue(new FileInfo(Path.Combine(dir, DataFile)).Length > 20_000, "weights should live in the external file");

        ModelGraph graph = OnnxImporter.Import(path);
        TestContext.WriteLine(graph.Summary());
        Assert.AreEqual(242_560L, graph.TotalMacsPerSample);
        Assert.AreEqual(1, graph.Nodes.OfType<ReshapeNode>().Count());
        Assert.AreEqual(0, graph.Nodes.OfType<FlattenNode>().Count());

        (float[] pixels, int count, int rows, int cols) = IdxImages.ReadImages(TestData.DataPath("fashion-mnist", "test-500-images-idx3-ubyte.gz"));
        byte[] labels = IdxImages.ReadLabels(TestData.DataPath("fashion-mnist", "test-500-labels-idx1-ubyte.gz"), count);
        int[] shape = [count, 1, rows, cols];
        (float[] expected, int[] expectedShape) = OrtRunner.Run(path, pixels, shape);
        Tensor actual = Parity.RunEngine(graph, pixels, shape);
        Parity.AssertClose(expected, expectedShape, actual, graph.Summary());

        // Same weights as the original model: the same predictions.
        Tensor original = Parity.RunEngine(OnnxImporter.Import(TestData.ModelPath("fashion_mnist_cnn.onnx")), pixels, shape);
        Parity.AssertClose(original.Data, original.Shape.Dimensions, actual, "original vs dynamo form", 1e-5f);
        int correct = Enumerable.Range(0, count).Count(i => Parity.ArgMax(actual.Data, i * 10, 10) == labels[i]);
        TestContext.WriteLine($"accuracy {(double)correct / count:P1} on {count} images");
        Assert.IsTrue(correct >= 0.8 * count);
    }

    [TestMethod]
    public void StreamImportResolvesExternalDataFromTheGivenDirectory()
    {
        using var temp = new TempFolder();
        string dir = temp.Path;
        string path = WriteDynamoStyleModel(dir);
        using FileStream stream = File.OpenRead(path);
        Assert.AreEqual(242_560L, OnnxImporter.Import(stream, dir).TotalMacsPerSample);
    }

    [TestMethod]
    public void MissingExternalDataFileNamesTheFileAndTensor()
    {
        using var temp = new TempFolder();
        string dir = temp.Path;
        string path = WriteDynamoStyleModel(dir);
        File.Delete(Path.Combine(dir, DataFile));
        var ex = Assert.ThrowsExactly<OnnxImportException>(() => OnnxImporter.Import(path));
        StringAssert.Contains(ex.Message, Path.Combine(dir, DataFile));
        StringAssert.Contains(ex.Message, "for tensor '");
        StringAssert.Contains(ex.Message, "was not found");
    }

    [TestMethod]
    public void TruncatedExternalDataFileIsReported()
    {
        using var temp = new TempFolder();
        string dir = temp.Path;
        string path = WriteDynamoStyleModel(dir);
        string data = Path.Combine(dir, DataFile);
        byte[] bytes = File.ReadAllBytes(data);
        File.WriteAllBytes(data, bytes[..(bytes.Length / 2)]);
        var ex = Assert.ThrowsExactly<OnnxImportException>(() => OnnxImporter.Import(path));
        StringAssert.Contains(ex.Message, data);
    }

    /// <summary>Rewrites fashion_mnist_cnn.onnx in the dynamo form into <paramref name="dir"/>; returns the model path.</summary>
    private static string WriteDynamoStyleModel(string dir)
    {
        ModelProto source = ModelProto.Parser.ParseFrom(File.ReadAllBytes(TestData.ModelPath("fashion_mnist_cnn.onnx")));
        var graph = new GraphProto { Name = "main_graph" };
        graph.Input.Add(source.Graph.Input.Where(i => source.Graph.Initializer.All(t => t.Name != i.Name)));
        graph.Output.Add(source.Graph.Output);
        var constants = new List<TensorProto>(source.Graph.Initializer.Select(t => t.Clone()));
        foreach (NodeProto node in source.Graph.Node)
        {
            switch (node.OpType)
            {
                case "Constant":
                    // Dynamo writes constants as initializers.
                    TensorProto value = node.Attribute.Single(a => a.Name == "value").T.Clone();
                    value.Name = node.Output[0];
                    constants.Add(value);
                    break;
                case "Flatten":
                    var target = new TensorProto { Name = "flatten_shape", DataType = (int)DataType.Int64, Dims = { 2 } };
                    target.Int64Data.Add([-1, 256]);
                    constants.Add(target);
                    graph.Node.Add(new NodeProto { Name = "node_view", OpType = "Reshape", Input = { node.Input[0], "flatten_shape" }, Output = { node.Output[0] } });
                    break;
                default:
                    graph.Node.Add(node.Clone());
                    break;
            }
        }

        using (FileStream data = File.Create(Path.Combine(dir, DataFile)))
        {
            foreach (TensorProto t in constants)
            {
                // Shape tensors stay inline: ONNX Runtime's shape inference cannot read external ones.
                graph.Initializer.Add(t.DataType == (int)DataType.Int64 ? t : Externalize(t, data));
            }
        }
        var model = new ModelProto { IrVersion = 8, ProducerName = "pytorch", ProducerVersion = "2.11-dynamo-style", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 18 });
        string path = Path.Combine(dir, "fashion_dynamo.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    /// <summary>Appends the tensor's values to <paramref name="data"/> (64-byte aligned) and returns a tensor that points there.</summary>
    private static TensorProto Externalize(TensorProto tensor, FileStream data)
    {
        float[] values = TensorDecoder.Decode(tensor, null).Floats();
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }
        data.Position = (data.Length + 63) / 64 * 64;
        long offset = data.Position;
        data.Write(bytes);
        var result = new TensorProto
        {
            Name = tensor.Name,
            DataType = (int)DataType.Float,
            DataLocation = TensorProto.Types.DataLocation.External,
        };
        result.Dims.Add(tensor.Dims);
        result.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = DataFile });
        result.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        result.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return result;
    }
}
