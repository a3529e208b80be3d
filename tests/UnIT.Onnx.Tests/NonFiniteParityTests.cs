using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.Onnx.Tests.Helpers;
using static UnIT.Onnx.Tests.Helpers.OnnxAttr;

namespace UnIT.Onnx.Tests;

/// <summary>NaN and infinity in the input reach the output as ONNX Runtime computes them, dense and pruned alike.</summary>
[TestClass]
public sealed class NonFiniteParityTests
{
    private static readonly float[] Specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    public static IEnumerable<object[]> OpNames => Ops().Select(o => new object[] { o.Name });

    private static IEnumerable<(string Name, byte[] Model, int[] Shape)> Ops()
    {
        byte[] Unary(string op, params Protos.AttributeProto[] a) => new OnnxModelBuilder(13).Input("x", -1, 2, 4, 4).Node(op, "x", "y", a).Output("y").ToBytes();
        int[] image = [2, 2, 4, 4];
        yield return ("Relu", Unary("Relu"), image);
        yield return ("LeakyRelu", Unary("LeakyRelu"), image);
        yield return ("Sigmoid", Unary("Sigmoid"), image);
        yield return ("Tanh", Unary("Tanh"), image);
        yield return ("MaxPool", Unary("MaxPool", Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)), image);
        yield return ("AveragePool", Unary("AveragePool", Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)), image);
        yield return ("GlobalAveragePool", Unary("GlobalAveragePool"), image);
        yield return ("Conv with a zero weight", new OnnxModelBuilder(13).Input("x", -1, 2, 4, 4)
            .Initializer("w", [3, 2, 3, 3], TestData.Uniform(54, 3).Select((v, i) => i % 5 == 0 ? 0f : v).ToArray())
            .Node("Conv", ["x", "w"], ["y"], Ints("pads", 1, 1, 1, 1)).Output("y").ToBytes(), image);
        yield return ("Gemm with a zero weight", new OnnxModelBuilder(13).Input("x", -1, 32)
            .Initializer("w", [5, 32], TestData.Uniform(160, 4).Select((v, i) => i % 7 == 0 ? 0f : v).ToArray())
            .Node("Gemm", ["x", "w"], ["y"], Int("transB", 1)).Output("y").ToBytes(), [2, 32]);
    }

    [TestMethod]
    [DynamicData(nameof(OpNames))]
    public void Nan_and_infinity_propagate_as_in_onnx_runtime(string name)
    {
        (_, byte[] model, int[] shape) = Ops().Single(o => o.Name == name);
        float[] input = TestData.Uniform(shape.Aggregate(1, (a, b) => a * b), 11);
        for (int i = 0; i < input.Length; i += 7)
        {
            input[i] = Specials[i / 7 % Specials.Length];
        }
        AssertSameAsOnnxRuntime(model, input, shape);
    }

    [TestMethod]
    public void The_trained_model_gives_nan_logits_for_nan_pixels_as_onnx_runtime_does()
    {
        byte[] model = File.ReadAllBytes(TestData.ModelPath("fashion_mnist_cnn.onnx"));
        float[] input = TestData.Uniform(3 * 784, 5, 0f, 1f);
        input[300] = float.NaN;
        Array.Fill(input, float.NaN, 784, 784);
        input[2 * 784 + 400] = float.PositiveInfinity;

        AssertSameAsOnnxRuntime(model, input, [3, 1, 28, 28]);
    }

    /// <summary>Our dense engine and the pruned engine (every layer at T = 0.5) against ONNX Runtime, NaN equal to NaN.</summary>
    private static void AssertSameAsOnnxRuntime(byte[] model, float[] input, int[] shape)
    {
        (float[] expected, _) = OrtRunner.Run(model, input, shape);
        ModelGraph graph = OnnxImporter.Import(model);
        var tensor = new Tensor(graph.Input.Shape.WithBatch(shape[0]), input);
        var thresholds = ThresholdSet.Explicit(graph.PrunableLayers.ToDictionary(l => l.Name, _ => 0.5f));
        var engines = new Dictionary<string, InferenceEngine> { ["dense"] = new(graph) };
        foreach (string profile in new[] { "float32", "max78000" })
        {
            engines[profile] = PrunedModel.Create(graph, new PruningOptions { Thresholds = thresholds, Profile = profile }, null).Engine;
        }
        foreach ((string engine, InferenceEngine e) in engines)
        {
            float[] actual = e.Run(tensor, new InferenceStatistics()).Data;
            Assert.AreEqual(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                string where = $"{engine}, output {i}: expected {expected[i]}, got {actual[i]}";
                Assert.AreEqual(float.IsNaN(expected[i]), float.IsNaN(actual[i]), where);
                if (float.IsInfinity(expected[i]))
                {
                    Assert.AreEqual(expected[i], actual[i], where);
                }
                else if (float.IsFinite(expected[i]) && (engine == "dense" || graph.PrunableLayers.Count == 0))
                {
                    Assert.AreEqual(expected[i], actual[i], 1e-4 * Math.Max(1, Math.Abs(expected[i])), where);
                }
            }
        }
    }
}
