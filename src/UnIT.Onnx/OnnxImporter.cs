using Google.Protobuf;
using UnIT.ML.Graph;
using UnIT.Onnx.Importing;
using UnIT.Onnx.Ops;
using UnIT.Onnx.Protos;

namespace UnIT.Onnx;

/// <summary>
/// Reads ONNX models (opsets 7 to 22) into a <see cref="ModelGraph"/>. Weights may be stored in the
/// model or in external data files next to it. Shape computations that exporters write around
/// Reshape are folded; BatchNormalization is folded into the preceding convolution where possible.
/// </summary>
public static class OnnxImporter
{
    /// <summary>The lowest supported default-domain opset.</summary>
    public const int MinOpset = 7;

    /// <summary>The highest supported default-domain opset.</summary>
    public const int MaxOpset = 22;

    /// <summary>The ONNX op types the importer understands, sorted.</summary>
    public static IReadOnlyList<string> SupportedOps => OpRegistry.SupportedOps;

    /// <summary>Imports the model file at <paramref name="path"/>; external data files are resolved relative to its directory.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="OnnxImportException">The file is not a valid ONNX model or uses something unsupported.</exception>
    public static ModelGraph Import(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        // FIFOs, devices and sockets report a size of 0, and reading a FIFO blocks until someone writes to it.
        if (File.Exists(full) && new FileInfo(full).Length == 0)
        {
            throw new OnnxImportException($"'{full}' is empty or not a regular file (a FIFO, device or socket); it is not an ONNX model.");
        }
        byte[] bytes = File.ReadAllBytes(full);
        return Import(bytes, Path.GetDirectoryName(full), $"'{full}'", Path.GetFileNameWithoutExtension(full));
    }

    /// <summary>Imports a model read from <paramref name="stream"/>; <paramref name="baseDirectory"/> resolves external data files.</summary>
    /// <exception cref="OnnxImportException">The data is not a valid ONNX model or uses something unsupported.</exception>
    public static ModelGraph Import(Stream stream, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Import(buffer.ToArray(), baseDirectory);
    }

    /// <summary>Imports a model from its serialized bytes; <paramref name="baseDirectory"/> resolves external data files.</summary>
    /// <exception cref="OnnxImportException">The bytes are not a valid ONNX model or use something unsupported.</exception>
    public static ModelGraph Import(byte[] bytes, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Import(bytes, baseDirectory, "The given data", null);
    }

    private static ModelGraph Import(byte[] bytes, string? baseDirectory, string source, string? fileName)
    {
        ModelProto model = Parse(bytes, source);
        GraphProto graph = model.Graph;
        int opset = DefaultOpset(model, source);
        var context = new ImportContext(opset, graph, baseDirectory);

        foreach (TensorProto initializer in graph.Initializer)
        {
            try
            {
                context.SetConstant(initializer.Name, TensorDecoder.Decode(initializer, baseDirectory));
            }
            catch (Exception ex) when (ex is not OnnxImportException and not OutOfMemoryException)
            {
                throw new OnnxImportException($"Initializer '{initializer.Name}' cannot be read: {ex.Message}", ex);
            }
        }
        (ValueInfo input, context.FixedBatch) = GraphInput(graph);
        context.AddInput(input);

        // Every node is tried, so one error lists all blockers; nodes fed by a blocked node are skipped, not reported.
        var blockers = new List<OnnxImportException>();
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        foreach (NodeProto proto in graph.Node)
        {
            if (proto.Input.Any(blocked.Contains))
            {
                blocked.UnionWith(proto.Output);
                continue;
            }
            try
            {
                ImportNode(new OnnxNode(proto, context), proto.Domain);
            }
            catch (OnnxImportException ex)
            {
                blockers.Add(ex);
                blocked.UnionWith(proto.Output);
            }
        }
        if (blockers.Count == 1)
        {
            throw blockers[0];
        }
        if (blockers.Count > 1)
        {
            throw new OnnxImportException($"{source} has {blockers.Count} nodes that cannot be imported:", blockers);
        }

        string name = fileName ?? (graph.Name.Length > 0 ? graph.Name : "model");
        try
        {
            foreach (ValueInfoProto output in graph.Output)
            {
                context.RestoreOutputName(output.Name);
            }
            string[] outputs = graph.Output.Select(o => OutputName(context, o.Name)).ToArray();
            return new ModelGraph(input, context.LiveNodes(outputs), outputs, name);
        }
        catch (Exception ex) when (ex is not OnnxImportException and not OutOfMemoryException)
        {
            throw new OnnxImportException($"{source} could not be assembled into a graph: {ex.Message}", ex);
        }
    }

    private static ModelProto Parse(byte[] bytes, string source)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new OnnxImportException($"{source} is not a valid ONNX model: {ex.Message}", ex);
        }
        // Arbitrary bytes sometimes parse as a protobuf message; a model always has a graph and an IR version.
        if (model.Graph is null || model.IrVersion <= 0)
        {
            throw new OnnxImportException($"{source} is not a valid ONNX model: it has no {(model.Graph is null ? "graph" : "IR version")}.");
        }
        return model;
    }

    private static int DefaultOpset(ModelProto model, string source)
    {
        OperatorSetIdProto? set = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        if (set is null)
        {
            throw new OnnxImportException($"{source} declares no default ONNX opset (opset_import for domain \"\").");
        }
        if (set.Version is < MinOpset or > MaxOpset)
        {
            throw new OnnxImportException($"{source} uses ONNX opset {set.Version}; only opsets {MinOpset} to {MaxOpset} are supported.");
        }
        return (int)set.Version;
    }

    /// <summary>
    /// The one graph input that is not an initializer, with a dynamic batch axis: every node computes each
    /// sample on its own, so a model exported for a fixed batch runs on any number of samples. The fixed
    /// batch size, if there was one, comes back too.
    /// </summary>
    private static (ValueInfo Input, int? FixedBatch) GraphInput(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        ValueInfoProto[] inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToArray();
        if (inputs.Length != 1)
        {
            throw new OnnxImportException($"The graph has {inputs.Length} run-time inputs ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}); exactly one is required.");
        }
        ValueInfoProto info = inputs[0];
        TypeProto.Types.Tensor? type = info.Type?.TensorType;
        if (type is null || type.Shape is null)
        {
            throw new OnnxImportException($"Graph input '{info.Name}' has no tensor type with a shape.");
        }
        if (type.ElemType != (int)TensorProto.Types.DataType.Float)
        {
            throw new OnnxImportException($"Graph input '{info.Name}' has element type {(TensorProto.Types.DataType)type.ElemType}; only FLOAT is supported.");
        }
        if (type.Shape.Dim.Count == 0)
        {
            throw new OnnxImportException($"Graph input '{info.Name}' is a scalar; a batch axis is required.");
        }
        var dims = new int[type.Shape.Dim.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            TensorShapeProto.Types.Dimension dim = type.Shape.Dim[i];
            if (dim.HasDimValue && (dim.DimValue < 0 || dim.DimValue > int.MaxValue || (dim.DimValue == 0 && i > 0)))
            {
                throw new OnnxImportException($"Graph input '{info.Name}' has size {dim.DimValue} on axis {i}; sizes must be between 1 and {int.MaxValue}.");
            }
            if (dim.HasDimValue && dim.DimValue > 0)
            {
                dims[i] = (int)dim.DimValue;
            }
            else if (i == 0)
            {
                dims[i] = Shape.Dynamic;
            }
            else
            {
                string what = dim.HasDimParam ? $"'{dim.DimParam}'" : "unknown";
                throw new OnnxImportException($"Graph input '{info.Name}' has a dynamic axis {i} ({what}); only the batch axis (0) may be dynamic.");
            }
        }
        int? fixedBatch = dims[0] == Shape.Dynamic ? null : dims[0];
        dims[0] = Shape.Dynamic;
        try
        {
            return (new ValueInfo(info.Name, new Shape(dims)), fixedBatch);
        }
        catch (ArgumentException ex)
        {
            throw new OnnxImportException($"Graph input '{info.Name}': {ex.Message}", ex);
        }
    }

    private static void ImportNode(OnnxNode node, string domain)
    {
        if (domain is not ("" or "ai.onnx"))
        {
            throw node.Error($"operator domain '{domain}' is not supported; only the default ONNX domain is.");
        }
        if (!OpRegistry.TryGet(node.OpType, out IOpImporter importer))
        {
            throw node.Error($"operator '{node.OpType}' is not supported.");
        }
        try
        {
            importer.Import(node);
        }
        catch (GraphException ex)
        {
            throw node.Error(WithoutNodePrefix(ex.Message), ex);
        }
        catch (ArgumentException ex)
        {
            throw node.Error(ex.Message, ex);
        }
        catch (OverflowException ex)
        {
            throw node.Error("a size or index does not fit in 32 bits.", ex);
        }
        catch (Exception ex) when (ex is not OnnxImportException and not OutOfMemoryException)
        {
            // A malformed node must not surface as an internal error of some importer.
            throw node.Error($"cannot be imported; its inputs or attributes are malformed ({ex.Message}).", ex);
        }
    }

    private static string OutputName(ImportContext context, string output)
    {
        string name = context.Resolve(output);
        if (!context.IsRuntime(name))
        {
            throw new OnnxImportException(context.TryGetConstant(name, out _)
                ? $"Graph output '{output}' is a constant; only computed outputs are supported."
                : $"Graph output '{output}' is not produced by any node.");
        }
        return name;
    }

    /// <summary>Graph errors start with their own "Node 'x' (Op): "; the importer names the ONNX node instead.</summary>
    private static string WithoutNodePrefix(string message)
    {
        int end = message.StartsWith("Node '", StringComparison.Ordinal) ? message.IndexOf("): ", StringComparison.Ordinal) : -1;
        return end >= 0 ? message[(end + 3)..] : message;
    }
}
