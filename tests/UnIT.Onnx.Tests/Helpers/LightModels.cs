using Google.Protobuf;
using UnIT.Onnx.Protos;
using DataType = UnIT.Onnx.Protos.TensorProto.Types.DataType;

namespace UnIT.Onnx.Tests.Helpers;

/// <summary>
/// Locates the ONNX backend "light" models, which live outside the repository: the override
/// <c>UNIT_ONNX_LIGHT_DIR</c>, else <c>shared/models/onnx-light</c> next to the repository root
/// (the folder holding UnIT.ML.sln) or next to one of its parents (a worktree one level deeper).
/// </summary>
internal static class LightModels
{
    public const string OverrideVariable = "UNIT_ONNX_LIGHT_DIR";

    /// <summary>The folder holding the light models; Inconclusive, saying what was looked for, when it is missing.</summary>
    public static string Folder()
    {
        string? overridden = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrEmpty(overridden))
        {
            return Directory.Exists(overridden)
                ? overridden
                : throw new AssertFailedException($"{OverrideVariable} is '{overridden}', which is not a folder.");
        }
        DirectoryInfo? root = new(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "UnIT.ML.sln")))
        {
            root = root.Parent;
        }
        if (root is null)
        {
            throw new AssertFailedException($"No folder above {AppContext.BaseDirectory} holds UnIT.ML.sln; set {OverrideVariable} to the light models' folder.");
        }
        var tried = new List<string>();
        for (DirectoryInfo? up = root.Parent; up is not null; up = up.Parent)
        {
            string candidate = Path.Combine(up.FullName, "shared", "models", "onnx-light");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
            tried.Add(candidate);
        }
        // The models live beside the project, not in it, so neither a clone nor .ci/run can fetch them: a clone without
        // them reports these tests as skipped (Inconclusive) and .ci/run says so, rather than failing every other check.
        throw new AssertInconclusiveException(
            $"The ONNX light models are missing: looked for {string.Join(", ", tried.Take(2))}; set {OverrideVariable} to their folder.");
    }

    /// <summary>The path of one light model, e.g. <c>light_resnet50.onnx</c>; fails when it is missing.</summary>
    public static string ModelPath(string file)
    {
        string path = Path.Combine(Folder(), file);
        return File.Exists(path) ? path : throw new AssertFailedException($"The light model '{path}' is missing.");
    }

    /// <summary>
    /// The model with every float ConstantOfShape (a weight holding one repeated value) replaced by an
    /// initializer of the same shape with seeded random values suited to its first reader: fan-in scaled
    /// weights, small biases and shifts, scales and variances around 1. A final Softmax is dropped, so the
    /// logits are compared (random weights tend to saturate the softmax into 0 and 1).
    /// </summary>
    public static byte[] WithSeededWeights(string path, int seed)
    {
        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        GraphProto graph = model.Graph;
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (TensorProto t in graph.Initializer.Where(t => t.DataType == (int)DataType.Int64))
        {
            shapes[t.Name] = Int64Values(t);
        }
        foreach (NodeProto c in graph.Node.Where(n => n.OpType == "Constant" && n.Attribute.Any(a => a.Name == "value")))
        {
            TensorProto t = c.Attribute.First(a => a.Name == "value").T;
            if (t.DataType == (int)DataType.Int64)
            {
                shapes[c.Output[0]] = Int64Values(t);
            }
        }
        var random = new Random(seed);
        foreach (NodeProto node in graph.Node.Where(n => n.OpType == "ConstantOfShape").ToList())
        {
            TensorProto? fill = node.Attribute.FirstOrDefault(a => a.Name == "value")?.T;
            if ((fill is not null && fill.DataType != (int)DataType.Float) || !shapes.TryGetValue(node.Input[0], out long[]? dims))
            {
                continue;
            }
            string name = node.Output[0];
            NodeProto reader = graph.Node.First(n => n.Input.Contains(name));
            (float lo, float hi) = Range(reader, reader.Input.IndexOf(name), dims);
            long count = dims.Aggregate(1L, (a, b) => a * b);
            var values = new float[count];
            for (long i = 0; i < count; i++)
            {
                values[i] = lo + (float)random.NextDouble() * (hi - lo);
            }
            graph.Node.Remove(node);
            graph.Initializer.Add(OnnxTensors.Float(name, dims, values));
        }
        NodeProto last = graph.Node[^1];
        if (last.OpType == "Softmax" && graph.Output.Count == 1 && last.Output[0] == graph.Output[0].Name)
        {
            graph.Output[0].Name = last.Input[0];
            graph.Node.Remove(last);
        }
        return model.ToByteArray();
    }

    private static (float Lo, float Hi) Range(NodeProto reader, int input, long[] dims)
    {
        long count = dims.Aggregate(1L, (a, b) => a * b);
        bool transB = reader.Attribute.Any(a => a.Name == "transB" && a.I != 0);
        long fanIn = (reader.OpType, input) switch
        {
            ("Conv", 1) => count / dims[0],
            ("Gemm", 1) => transB ? dims[1] : dims[0],
            ("MatMul", 1) => dims[0],
            _ => 0,
        };
        if (fanIn > 0)
        {
            // Variance 1 / fan-in: activations shrink a little through each Relu layer rather than explode.
            float a = MathF.Sqrt(3f / fanIn);
            return (-a, a);
        }
        return (reader.OpType, input) switch
        {
            ("BatchNormalization", 1 or 4) or ("Mul", _) => (0.5f, 1.5f),
            _ => (-0.1f, 0.1f),
        };
    }

    private static long[] Int64Values(TensorProto t) => t.RawData.Length > 0
        ? Enumerable.Range(0, t.RawData.Length / 8).Select(i => BitConverter.ToInt64(t.RawData.Span.Slice(i * 8, 8))).ToArray()
        : t.Int64Data.ToArray();
}
