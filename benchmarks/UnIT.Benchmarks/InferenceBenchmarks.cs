using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using UnIT.ML.Data;
using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;
using UnIT.Onnx;
using Tensor = UnIT.ML.Graph.Tensor;

namespace UnIT.Benchmarks;

/// <summary>
/// Host inference of one batch of real Fashion-MNIST images: ONNX Runtime (the baseline) against our
/// dense engine, our UnIT engine at p = 50 with and without statistics, and the MSP430 fixed-point
/// emulation. Ratios are against ONNX Runtime in the same run.
/// </summary>
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    private static readonly string Root = FindRoot();
    private InferenceSession _ort = null!;
    private DenseTensor<float> _ortInput = null!;
    private Tensor _input = null!;
    private InferenceEngine _dense = null!;
    private InferenceEngine _pruned = null!;
    private InferenceEngine _fixedPoint = null!;

    /// <summary>Samples per batch.</summary>
    [Params(1, 256)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string model = Path.Combine(Root, "models", "fashion_mnist_cnn.onnx");
        ModelGraph graph = OnnxImporter.Import(model);
        SampleSet test = IdxReader.ReadImages(Path.Combine(Root, "data", "fashion-mnist", "test-500-images-idx3-ubyte.gz"), limit: Batch);
        SampleSet calibration = IdxReader.ReadImages(Path.Combine(Root, "data", "fashion-mnist", "train-55000-55999-images-idx3-ubyte.gz"));
        _input = test.ToTensor(graph.Input.Shape);
        _ortInput = new DenseTensor<float>(_input.Data, [Batch, 1, 28, 28]);
        _ort = new InferenceSession(model);
        _dense = new InferenceEngine(graph);
        _pruned = PrunedModel.Create(graph, new PruningOptions { Percentile = 50 }, calibration.Batches(graph.Input.Shape, 250)).Engine;
        _fixedPoint = PrunedModel.Create(graph, new PruningOptions { Percentile = 50, Profile = TargetProfile.Msp430.Name }, calibration.Batches(graph.Input.Shape, 250)).Engine;
    }

    [GlobalCleanup]
    public void Cleanup() => _ort.Dispose();

    [Benchmark(Baseline = true)]
    public float OnnxRuntime()
    {
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> result = _ort.Run([NamedOnnxValue.CreateFromTensor("input", _ortInput)]);
        return result[0].AsTensor<float>()[0, 0];
    }

    [Benchmark]
    public float Dense() => _dense.Run(_input).Data[0];

    [Benchmark]
    public float UnitP50NoStatistics() => _pruned.Run(_input).Data[0];

    [Benchmark]
    public float UnitP50WithStatistics() => _pruned.Run(_input, new InferenceStatistics()).Data[0];

    [Benchmark]
    public float Msp430FixedPointP50() => _fixedPoint.Run(_input, new InferenceStatistics()).Data[0];

    /// <summary>The repository root, from this source file's path (benchmarks run from a generated folder elsewhere).</summary>
    private static string FindRoot([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", ".."));
}
