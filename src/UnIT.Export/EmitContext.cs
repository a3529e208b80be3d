using System.Globalization;
using System.Text;
using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.Export;

/// <summary>
/// State of one C generation: the model's numerics, where each value lives in the arena, and the text being
/// written (constants, kernels used, statements of the run function). Emitters only talk to this.
/// </summary>
internal sealed class EmitContext
{
    private readonly StringBuilder _data = new();
    private readonly StringBuilder _kernels = new();
    private readonly StringBuilder _body = new();
    private readonly HashSet<string> _kernelNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _constNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _layerIndex = new(StringComparer.Ordinal);

    public EmitContext(ModelGraph graph, PruningConfiguration configuration, bool dense)
    {
        Graph = graph;
        Configuration = configuration;
        Dense = dense;
        FixedPoint = configuration.Quantization is not null;
        for (int i = 0; i < graph.PrunableLayers.Count; i++)
        {
            _layerIndex[graph.PrunableLayers[i].Name] = i;
        }
    }

    public ModelGraph Graph { get; }

    public PruningConfiguration Configuration { get; }

    /// <summary>The dense variant: every MAC runs.</summary>
    public bool Dense { get; }

    /// <summary>Whether <paramref name="layer"/> runs the plain dense loop: in the dense variant, or as one of the thresholds' <see cref="ThresholdSet.DenseLayers"/>.</summary>
    public bool RunsDense(PrunableNode layer) => Dense || Configuration.Thresholds?.RunsDenseLoop(layer.Name) == true;

    /// <summary>int16 fixed point (msp430) rather than float32.</summary>
    public bool FixedPoint { get; }

    public IDivisionApproximator Division => Configuration.Division;

    /// <summary>The arena layout; set once the walk has planned it.</summary>
    public ActivationPlan Buffers { get; set; } = null!;

    /// <summary>Bytes of the constants emitted so far.</summary>
    public long ConstantBytes { get; private set; }

    /// <summary>Elements of int32 accumulator scratch the emitted layers need.</summary>
    public int ScratchElements { get; private set; }

    public string Data => _data.ToString();

    public string Kernels => _kernels.ToString();

    public string Body => _body.ToString();

    /// <summary>The C element type of activations.</summary>
    public string ValueType => FixedPoint ? "int16_t" : "float";

    public int ValueBytes => FixedPoint ? 2 : 4;

    /// <summary>The shape of one sample of a value.</summary>
    public Shape SampleShape(string value) => Graph.ShapeOf(value).WithBatch(1);

    /// <summary>The C expression of a value's buffer.</summary>
    public string Buffer(string value) => $"(unit_arena + {Buffers.Offset(value).ToString(CultureInfo.InvariantCulture)})";

    /// <summary>Fractional bits of a value (fixed point only).</summary>
    public int Q(string value) => Configuration.Quantization!.ValueBits(value);

    /// <summary>
    /// The exact real value of the element <paramref name="element"/> of <paramref name="value"/> as a C float: the element
    /// itself in float32, its Q value converted exactly in fixed point (where non-MAC ops compute in float, as the engine does).
    /// </summary>
    public string ToFloat(string value, string element) =>
        FixedPoint ? $"unit_float_from_q({element}, {Q(value)})" : element;

    /// <summary>A float result stored into <paramref name="value"/>: as is in float32, rounded onto the value's Q format in fixed point.</summary>
    public string FromFloat(string value, string result) =>
        FixedPoint ? $"unit_q_from_float({result}, {Q(value)})" : result;

    /// <summary>Adds the C helper <paramref name="name"/> of <see cref="CMath"/> (once).</summary>
    public void Helper(string name)
    {
        (string key, string text) = CMath.Of(name);
        Kernel(key, text);
    }

    /// <summary>The index of a prunable layer in <c>unit_counts</c>.</summary>
    public int LayerIndex(PrunableNode layer) => _layerIndex[layer.Name];

    /// <summary>Makes the accumulator scratch at least <paramref name="elements"/> long.</summary>
    public void NeedScratch(int elements) => ScratchElements = Math.Max(ScratchElements, elements);

    /// <summary>int16 elements of the sorted-list scratch (<c>unit_list</c>) the emitted layers need.</summary>
    public int ListElements { get; private set; }

    /// <summary>Elements of the list start scratch (<c>unit_starts</c>) the emitted layers need.</summary>
    public int StartsElements { get; private set; }

    /// <summary>Makes the sorted-list scratch at least <paramref name="elements"/> int16 long.</summary>
    public void NeedList(int elements) => ListElements = Math.Max(ListElements, elements);

    /// <summary>
    /// A C expression for <paramref name="elements"/> values of scratch that <paramref name="node"/> alone uses while it runs:
    /// the lowest stretch of the arena that no value live during the node occupies (its inputs and output are live), or else
    /// the separate <c>unit_list</c> buffer.
    /// </summary>
    public string NodeScratch(Node node, int elements)
    {
        int step = -1;
        for (int i = 0; i < Graph.Nodes.Count; i++)
        {
            if (ReferenceEquals(Graph.Nodes[i], node))
            {
                step = i;
            }
        }
        var first = new Dictionary<string, int>(StringComparer.Ordinal) { [Graph.Input.Name] = -1 };
        for (int i = 0; i < Graph.Nodes.Count; i++)
        {
            first[Graph.Nodes[i].Output] = i;
        }
        long offset = 0;
        foreach ((int at, int size) in first.Where(v => v.Value <= step && step <= Buffers.LastUse(v.Key))
            .Select(v => (Buffers.Offset(v.Key), Buffers.Size(v.Key))).OrderBy(v => v.Item1))
        {
            if (offset + elements <= at)
            {
                break;
            }
            offset = Math.Max(offset, at + (long)size);
        }
        if (offset + elements <= Buffers.ArenaElements)
        {
            return $"(unit_arena + {offset.ToString(CultureInfo.InvariantCulture)})";
        }
        NeedList(elements);
        return "unit_list";
    }

    /// <summary>Makes the list start scratch at least <paramref name="elements"/> long.</summary>
    public void NeedStarts(int elements) => StartsElements = Math.Max(StartsElements, elements);

    /// <summary>Bytes of every scratch buffer: accumulators (int32 in fixed point, float in float32), sorted lists and their starts.</summary>
    public long ScratchBytes => AccumulatorBytes + ListElements * 2L + StartsElements * (long)IndexBytes;

    /// <summary>
    /// Bytes of the accumulators, part of <see cref="ScratchBytes"/>: int32 in fixed point, float in float32 (where only the
    /// sorted-list convolutions use them).
    /// </summary>
    public long AccumulatorBytes => ScratchElements * 4L;

    /// <summary>The layer's skip-compensation constants (the engine's layout: positive half, negative half), or null without them or in the dense build.</summary>
    public float[]? Compensation(PrunableNode layer) => RunsDense(layer) ? null : Configuration.Thresholds?.SkipCompensations?.GetValueOrDefault(layer.Name);

    /// <summary>
    /// Compensation constants as the kernels read them: one (positive, negative) pair per weight, each half first put in
    /// the emitted weight order by <paramref name="order"/> (null: as stored).
    /// </summary>
    public static T[] Pairs<T>(T[] constants, Func<T[], T[]>? order)
    {
        int n = constants.Length / 2;
        T[] positive = constants[..n], negative = constants[n..];
        positive = order?.Invoke(positive) ?? positive;
        negative = order?.Invoke(negative) ?? negative;
        var pairs = new T[constants.Length];
        for (int i = 0; i < n; i++)
        {
            pairs[2 * i] = positive[i];
            pairs[2 * i + 1] = negative[i];
        }
        return pairs;
    }

    /// <summary>Adds a statement line to the run function.</summary>
    public void Line(string statement) => _body.Append("    ").Append(statement).Append('\n');

    /// <summary>Adds a kernel's C text once, however many nodes use it.</summary>
    public void Kernel(string name, string text)
    {
        if (_kernelNames.Add(name))
        {
            _kernels.Append(text).Append('\n');
        }
    }

    /// <summary>Emits a <c>static const</c> array and returns its C name (made unique from <paramref name="name"/>).</summary>
    public string Const<T>(string type, string name, IReadOnlyList<T> values, int elementBytes, Func<T, string> format)
    {
        string unique = UniqueName(name);
        _data.Append(CultureInfo.InvariantCulture, $"static const {type} {unique}[{Math.Max(values.Count, 1)}] = {{");
        for (int i = 0; i < values.Count; i++)
        {
            _data.Append(i % 12 == 0 ? "\n    " : " ").Append(format(values[i])).Append(',');
        }
        _data.Append(values.Count == 0 ? "0};\n\n" : "\n};\n\n");
        ConstantBytes += (long)Math.Max(values.Count, 1) * elementBytes;
        return unique;
    }

    /// <summary>Emits a <c>static const</c> struct with the given initializer and returns its C name.</summary>
    public string ConstStruct(string type, string name, string initializer, int bytes)
    {
        string unique = UniqueName(name);
        _data.Append(CultureInfo.InvariantCulture, $"static const {type} {unique} = {{{initializer}}};\n\n");
        ConstantBytes += bytes;
        return unique;
    }

    /// <summary>Bytes of the index type (int16 on the MSP430, int32 for float32 targets).</summary>
    public int IndexBytes => FixedPoint ? 2 : 4;

    /// <summary>Refuses a node whose buffers the 16-bit index type of the MSP430 build cannot address.</summary>
    public void CheckIndexRange(Node node, long elements)
    {
        if (FixedPoint && elements > short.MaxValue)
        {
            throw Error(node, $"a buffer of {elements} elements exceeds the {short.MaxValue} a 16-bit MSP430 index reaches.");
        }
    }

    public string ConstInt16(string name, IReadOnlyList<int> values) => Const("int16_t", name, values, 2, Int);

    public string ConstUInt8(string name, IReadOnlyList<int> values) => Const("uint8_t", name, values, 1, v => Int(v) + "u");

    public string ConstUInt16(string name, IReadOnlyList<int> values) => Const("uint16_t", name, values, 2, v => Int(v) + "u");

    public string ConstInt32(string name, IReadOnlyList<int> values) => Const("int32_t", name, values, 4, Int32Literal);

    public string ConstFloat(string name, IReadOnlyList<float> values) => Const("float", name, values, 4, FloatLiteral);

    /// <summary>
    /// Float thresholds: +infinity (a threshold that skips every finite operand) is written as the largest float,
    /// which skips the same operands and has a C99 literal.
    /// </summary>
    public string ConstThresholds(string name, IReadOnlyList<float> values) =>
        Const("float", name, values, 4, v => FloatLiteral(float.IsPositiveInfinity(v) ? float.MaxValue : v));

    public static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>An int32 literal that is int32 on a 16-bit-int target too (INT32_MIN has no literal of its own).</summary>
    public static string Int32Literal(int v) => v == int.MinValue ? "INT32_MIN" : $"INT32_C({Int(v)})";

    /// <summary>A C float literal that parses back to exactly <paramref name="v"/>; non-finite constants are refused.</summary>
    public static string FloatLiteral(float v)
    {
        if (!float.IsFinite(v))
        {
            throw new CExportException($"Constant {v} is not finite; export-c writes finite float constants only.");
        }
        string s = v.ToString("R", CultureInfo.InvariantCulture);
        return (s.Contains('.') || s.Contains('E') ? s : s + ".0") + "f";
    }

    /// <summary>Throws a <see cref="CExportException"/> naming the node.</summary>
    public static CExportException Error(Node node, string message) => new($"Node '{node.Name}' ({node.OpName}): {message}");

    private string UniqueName(string name)
    {
        string id = "unit_" + Sanitize(name);
        string unique = id;
        for (int i = 2; !_constNames.Add(unique); i++)
        {
            unique = $"{id}_{i}";
        }
        return unique;
    }

    private static string Sanitize(string name)
    {
        var sb = new StringBuilder();
        foreach (char c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
        }
        return sb.ToString().Trim('_');
    }
}
