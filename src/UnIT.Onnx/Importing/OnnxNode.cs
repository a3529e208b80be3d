using UnIT.Onnx.Protos;
using AttributeType = UnIT.Onnx.Protos.AttributeProto.Types.AttributeType;

namespace UnIT.Onnx.Importing;

/// <summary>
/// One ONNX node as op importers see it: typed attribute access with ONNX defaults, inputs
/// resolved through the import context, and errors that name the node and its op type.
/// </summary>
internal sealed class OnnxNode
{
    private readonly NodeProto _proto;

    /// <summary>Wraps <paramref name="proto"/> for an import that uses <paramref name="context"/>.</summary>
    public OnnxNode(NodeProto proto, ImportContext context)
    {
        _proto = proto;
        Context = context;
        Name = proto.Name.Length > 0 ? proto.Name : proto.Output.FirstOrDefault(o => o.Length > 0) ?? proto.OpType;
    }

    /// <summary>The import this node belongs to.</summary>
    public ImportContext Context { get; }

    /// <summary>The node's name, or its first output's name when it has none.</summary>
    public string Name { get; }

    /// <summary>The ONNX operator, e.g. <c>Conv</c>.</summary>
    public string OpType => _proto.OpType;

    /// <summary>The opset the model declares for the default domain.</summary>
    public int Opset => Context.Opset;

    /// <summary>Number of listed inputs, including absent optional ones.</summary>
    public int InputCount => _proto.Input.Count;

    /// <summary>True when input <paramref name="index"/> is listed with a non-empty name.</summary>
    public bool HasInput(int index) => index < _proto.Input.Count && _proto.Input[index].Length > 0;

    /// <summary>The name of input <paramref name="index"/>; throws when it is absent.</summary>
    public string Input(int index) => HasInput(index)
        ? _proto.Input[index]
        : throw Error($"input {index} is required but missing.");

    /// <summary>Number of listed outputs, including absent optional ones.</summary>
    public int OutputCount => _proto.Output.Count;

    /// <summary>True when output <paramref name="index"/> is listed with a non-empty name.</summary>
    public bool HasOutput(int index) => index < _proto.Output.Count && _proto.Output[index].Length > 0;

    /// <summary>The name of output <paramref name="index"/>.</summary>
    public string Output(int index = 0) => index < _proto.Output.Count && _proto.Output[index].Length > 0
        ? _proto.Output[index]
        : throw Error($"output {index} is missing.");

    /// <summary>Throws unless every output after the first is absent or unread.</summary>
    public void RequireOnlyFirstOutput()
    {
        for (int i = 1; i < _proto.Output.Count; i++)
        {
            if (_proto.Output[i].Length > 0 && Context.Uses(_proto.Output[i]) > 0)
            {
                throw Error($"output {i} ('{_proto.Output[i]}') is used; only the first output is supported.");
            }
        }
    }

    /// <summary>A run-time input (not a constant).</summary>
    public string RuntimeInput(int index)
    {
        string name = Input(index);
        if (!Context.IsRuntime(name))
        {
            throw Context.TryGetConstant(name, out _)
                ? Error($"input '{name}' is a constant; this op is supported only on values computed at run time.")
                : Error($"input '{name}' is not produced by any earlier node or graph input.");
        }
        return Context.Resolve(name);
    }

    /// <summary>A constant input; <paramref name="role"/> describes it in errors (e.g. "weight").</summary>
    public ConstantTensor ConstantInput(int index, string role)
    {
        string name = Input(index);
        if (!Context.TryGetConstant(name, out ConstantTensor value))
        {
            throw Error($"the {role} input '{name}' must be a constant (an initializer, a Constant node or a foldable shape computation).");
        }
        return value;
    }

    /// <summary>
    /// The dimensions of a constant weight input as int values; rejects a weight with an empty
    /// dimension (its other dimensions could then be anything) or a dimension beyond 32 bits.
    /// </summary>
    public int[] WeightDims(ConstantTensor value, string role) =>
        value.Dims.All(d => d is >= 1 and <= int.MaxValue)
            ? Array.ConvertAll(value.Dims, d => (int)d)
            : throw Error($"the {role} has shape {value.DimsText}; every dimension must be between 1 and {int.MaxValue}.");

    /// <summary>A constant input as float values; rejects values that depend on the dynamic batch size.</summary>
    public float[] ConstantFloats(int index, string role)
    {
        ConstantTensor value = ConstantInput(index, role);
        if (value.HasUnknown)
        {
            throw Error($"the {role} input '{Input(index)}' depends on the dynamic batch size.");
        }
        return value.Floats();
    }

    /// <summary>Records a folded constant as output <paramref name="index"/>.</summary>
    public void SetConstantOutput(ConstantTensor value, int index = 0) => Context.SetConstant(Output(index), value);

    /// <summary>True when the attribute is present.</summary>
    public bool Has(string name) => Find(name) is not null;

    /// <summary>An INT attribute, or <paramref name="fallback"/> when absent.</summary>
    public long Int(string name, long fallback) => Find(name, AttributeType.Int) is { } a ? a.I : fallback;

    /// <summary>A FLOAT attribute, or <paramref name="fallback"/> when absent.</summary>
    public float Float(string name, float fallback) => Find(name, AttributeType.Float) is { } a ? a.F : fallback;

    /// <summary>A STRING attribute, or <paramref name="fallback"/> when absent.</summary>
    public string String(string name, string fallback) => Find(name, AttributeType.String) is { } a ? a.S.ToStringUtf8() : fallback;

    /// <summary>An INTS attribute, or null when absent.</summary>
    public long[]? Ints(string name) => Find(name, AttributeType.Ints)?.Ints.ToArray();

    /// <summary>A FLOATS attribute, or null when absent.</summary>
    public float[]? Floats(string name) => Find(name, AttributeType.Floats)?.Floats.ToArray();

    /// <summary>A TENSOR attribute, or null when absent.</summary>
    public TensorProto? TensorAttribute(string name) => Find(name, AttributeType.Tensor)?.T;

    /// <summary>An INTS attribute as int values, or <paramref name="fallback"/> when absent.</summary>
    public int[] IntArray(string name, int[] fallback)
    {
        long[]? values = Ints(name);
        if (values is null)
        {
            return fallback;
        }
        return Array.ConvertAll(values, v => v is >= int.MinValue and <= int.MaxValue
            ? (int)v
            : throw Error($"attribute {name} value {v} is out of range."));
    }

    /// <summary>The names of all attributes present.</summary>
    public IEnumerable<string> AttributeNames => _proto.Attribute.Select(a => a.Name);

    /// <summary>An error whose message names this node and its op type.</summary>
    public OnnxImportException Error(string message) => new($"Node '{Name}' ({OpType}): {message}");

    /// <summary>An error whose message names this node and its op type, wrapping its cause.</summary>
    public OnnxImportException Error(string message, Exception inner) => new($"Node '{Name}' ({OpType}): {message}", inner);

    private AttributeProto? Find(string name) => _proto.Attribute.FirstOrDefault(a => a.Name == name);

    private AttributeProto? Find(string name, AttributeType type)
    {
        AttributeProto? a = Find(name);
        if (a is null)
        {
            return null;
        }
        if (a.RefAttrName.Length > 0)
        {
            throw Error($"attribute {name} refers to a function attribute; functions are not supported.");
        }
        // IR version 1 files may omit the type; trust the requested one then.
        if (a.HasType && a.Type != AttributeType.Undefined && a.Type != type)
        {
            throw Error($"attribute {name} has type {a.Type} but {type} was expected.");
        }
        return a;
    }
}
