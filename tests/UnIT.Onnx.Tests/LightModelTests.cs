using System.Diagnostics;
using UnIT.ML.Graph;
using UnIT.Onnx.Tests.Helpers;

namespace UnIT.Onnx.Tests;

/// <summary>
/// The nine ONNX backend "light" models (kept outside the repository, see <see cref="LightModels"/>),
/// imported as shipped and run on one seeded 224x224 input each, against ONNX Runtime.
/// </summary>
[TestClass]
public sealed class LightModelTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("light_bvlc_alexnet.onnx")]
    [DataRow("light_densenet121.onnx")]
    [DataRow("light_inception_v1.onnx")]
    [DataRow("light_inception_v2.onnx")]
    [DataRow("light_resnet50.onnx")]
    [DataRow("light_shufflenet.onnx")]
    [DataRow("light_squeezenet.onnx")]
    [DataRow("light_vgg19.onnx")]
    [DataRow("light_zfnet512.onnx")]
    public void ShippedLightModelMatchesOnnxRuntime(string file)
    {
        string path = LightModels.ModelPath(file);
        var clock = Stopwatch.StartNew();
        ModelGraph graph = OnnxImporter.Import(path);
        TimeSpan import = clock.Elapsed;
        int[] shape = graph.Input.Shape.WithBatch(1).Dimensions;
        float[] input = TestData.Uniform(shape.Aggregate(1, (a, b) => a * b), file.Length, 0f, 1f);
        (float[] expected, int[] expectedShape) = OrtRunner.Run(path, input, shape);
        TimeSpan ort = clock.Elapsed - import;
        Tensor ours = Parity.RunEngine(graph, input, shape);
        TimeSpan engine = clock.Elapsed - import - ort;
        float scale = expected.Max(MathF.Abs);
        float maxDiff = LightParity.AssertMatches(expected, expectedShape, ours, scale, graph.Summary());
        TestContext.WriteLine($"{file}: {graph.Nodes.Count} nodes, {graph.TotalMacsPerSample} MACs, output scale {scale}, max |diff| {maxDiff} "
            + $"(import {import.TotalSeconds:F1} s, ORT {ort.TotalSeconds:F1} s, engine {engine.TotalSeconds:F1} s)");
    }

    /// <summary>
    /// The branchy light models with their ConstantOfShape weights replaced by seeded random ones, compared on
    /// the logits (the heavy fully connected models are left out to bound the time).
    /// </summary>
    [TestMethod]
    [DataRow("light_inception_v1.onnx")]
    [DataRow("light_resnet50.onnx")]
    [DataRow("light_shufflenet.onnx")]
    [DataRow("light_squeezenet.onnx")]
    public void LightModelWithSeededWeightsMatchesOnnxRuntime(string file)
    {
        var clock = Stopwatch.StartNew();
        byte[] model = LightModels.WithSeededWeights(LightModels.ModelPath(file), file.Length);
        ModelGraph graph = OnnxImporter.Import(model);
        int[] shape = graph.Input.Shape.WithBatch(1).Dimensions;
        float[] input = TestData.Uniform(shape.Aggregate(1, (a, b) => a * b), file.Length + 1, 0f, 1f);
        (float[] expected, int[] expectedShape) = OrtRunner.Run(model, input, shape);
        Tensor ours = Parity.RunEngine(graph, input, shape);
        float scale = expected.Max(MathF.Abs);
        float maxDiff = LightParity.AssertMatches(expected, expectedShape, ours, scale, graph.Summary());
        int best = Parity.ArgMax(expected, 0, expected.Length);
        TestContext.WriteLine($"{file} with seeded weights: logit scale {scale}, max |diff| {maxDiff}, argmax {best} ({clock.Elapsed.TotalSeconds:F1} s)");
    }
}
