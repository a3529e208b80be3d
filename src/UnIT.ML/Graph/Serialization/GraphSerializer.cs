using System.Runtime.InteropServices;
using System.Text;

namespace UnIT.ML.Graph.Serialization;

/// <summary>
/// Writes a <see cref="ModelGraph"/> to a compact binary form and reads it back, so a graph can be
/// stored without its ONNX file (e.g. inside a saved ML.NET model). The format starts with a magic
/// tag and a format version; every node type of the IR has one tag. All numbers are little-endian.
/// </summary>
public static class GraphSerializer
{
    /// <summary>The format version this build writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    private const string Magic = "UNITGRAPH";

    // One tag per node type; the numbers are part of the format and must never be reused.
    private enum NodeTag : byte
    {
        Conv = 1,
        FullyConnected = 2,
        Activation = 3,
        BatchNorm = 4,
        Elementwise = 5,
        Flatten = 6,
        Reshape = 7,
        Pool = 8,
        GlobalAveragePool = 9,
        Softmax = 10,
    }

    /// <summary>Writes <paramref name="graph"/> to <paramref name="stream"/>, which stays open (the caller disposes it).</summary>
    /// <exception cref="NotSupportedException">When the graph holds a node type this format does not know.</exception>
    public static void Write(ModelGraph graph, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Encoding.ASCII.GetBytes(Magic));
        w.Write(CurrentFormatVersion);
        w.Write(graph.Name);
        w.Write(graph.Input.Name);
        WriteInts(w, graph.Input.Shape.Dimensions);
        w.Write(graph.Nodes.Count);
        foreach (Node node in graph.Nodes)
        {
            WriteNode(w, node);
        }
        w.Write(graph.Outputs.Count);
        foreach (ValueInfo output in graph.Outputs)
        {
            w.Write(output.Name);
        }
    }

    /// <summary>
    /// Reads a graph written by <see cref="Write"/> from <paramref name="stream"/>, which stays open
    /// (the caller disposes it). Shapes are inferred again, so a corrupted graph fails as it would on import.
    /// </summary>
    /// <exception cref="FormatException">When the data is not a serialized graph, is truncated, or has another format version (the message names both versions).</exception>
    public static ModelGraph Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            byte[] magic = r.ReadBytes(Magic.Length);
            if (Encoding.ASCII.GetString(magic) != Magic)
            {
                throw new FormatException("The data is not a serialized UnIT graph (the header tag is missing).");
            }
            int version = r.ReadInt32();
            if (version != CurrentFormatVersion)
            {
                throw new FormatException($"The serialized UnIT graph has format version {version}; this build of UnIT.ML reads version {CurrentFormatVersion}.");
            }
            string name = r.ReadString();
            var input = new ValueInfo(r.ReadString(), new Shape(ReadInts(r)));
            var nodes = new Node[ReadCount(r)];
            for (int i = 0; i < nodes.Length; i++)
            {
                nodes[i] = ReadNode(r);
            }
            var outputs = new string[ReadCount(r)];
            for (int i = 0; i < outputs.Length; i++)
            {
                outputs[i] = r.ReadString();
            }
            return new ModelGraph(input, nodes, outputs, name);
        }
        catch (EndOfStreamException e)
        {
            throw new FormatException("The serialized UnIT graph is truncated.", e);
        }
    }

    /// <summary>The serialized form of <paramref name="graph"/> as a byte array.</summary>
    public static byte[] ToBytes(ModelGraph graph)
    {
        using var ms = new MemoryStream();
        Write(graph, ms);
        return ms.ToArray();
    }

    /// <summary>Reads a graph from bytes made by <see cref="ToBytes"/> or <see cref="Write"/>.</summary>
    /// <exception cref="FormatException">As for <see cref="Read"/>.</exception>
    public static ModelGraph FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var ms = new MemoryStream(bytes, writable: false);
        return Read(ms);
    }

    private static void WriteNode(BinaryWriter w, Node node)
    {
        NodeTag tag = node switch
        {
            ConvNode => NodeTag.Conv,
            FullyConnectedNode => NodeTag.FullyConnected,
            ActivationNode => NodeTag.Activation,
            BatchNormNode => NodeTag.BatchNorm,
            ElementwiseNode => NodeTag.Elementwise,
            FlattenNode => NodeTag.Flatten,
            ReshapeNode => NodeTag.Reshape,
            PoolNode => NodeTag.Pool,
            GlobalAveragePoolNode => NodeTag.GlobalAveragePool,
            SoftmaxNode => NodeTag.Softmax,
            _ => throw new NotSupportedException($"Node '{node.Name}' ({node.OpName}, {node.GetType().Name}) has no serialized form in graph format version {CurrentFormatVersion}."),
        };
        w.Write((byte)tag);
        w.Write(node.Name);
        w.Write(node.Input);
        w.Write(node.Output);
        switch (node)
        {
            case ConvNode c:
                WriteTensor(w, c.Weight);
                WriteOptionalFloats(w, c.Bias);
                WriteInts(w, c.Strides);
                WriteInts(w, c.PadsBegin);
                WriteInts(w, c.PadsEnd);
                WriteInts(w, c.Dilations);
                w.Write(c.Groups);
                break;
            case FullyConnectedNode fc:
                WriteTensor(w, fc.Weight);
                WriteOptionalFloats(w, fc.Bias);
                w.Write(fc.OpName);
                break;
            case ActivationNode a:
                w.Write((int)a.Kind);
                w.Write(a.Alpha);
                w.Write(a.Min);
                w.Write(a.Max);
                break;
            case BatchNormNode bn:
                WriteFloats(w, bn.Scale);
                WriteFloats(w, bn.Shift);
                break;
            case ElementwiseNode e:
                w.Write((int)e.Op);
                WriteTensor(w, e.Constant);
                w.Write(e.ConstantFirst);
                break;
            case FlattenNode f:
                w.Write(f.Axis);
                break;
            case ReshapeNode rs:
                w.Write(rs.Target.Length);
                foreach (long t in rs.Target)
                {
                    w.Write(t);
                }
                break;
            case PoolNode p:
                w.Write((int)p.Kind);
                WriteInts(w, p.Kernel);
                WriteInts(w, p.Strides);
                WriteInts(w, p.PadsBegin);
                WriteInts(w, p.PadsEnd);
                WriteInts(w, p.Dilations);
                w.Write(p.CeilMode);
                w.Write(p.CountIncludePad);
                break;
        }
    }

    private static Node ReadNode(BinaryReader r)
    {
        var tag = (NodeTag)r.ReadByte();
        string name = r.ReadString(), input = r.ReadString(), output = r.ReadString();
        return tag switch
        {
            NodeTag.Conv => new ConvNode(name, input, output, ReadTensor(r), ReadOptionalFloats(r),
                ReadInts(r), ReadInts(r), ReadInts(r), ReadInts(r), r.ReadInt32()),
            NodeTag.FullyConnected => new FullyConnectedNode(name, input, output, ReadTensor(r), ReadOptionalFloats(r), r.ReadString()),
            NodeTag.Activation => new ActivationNode(name, input, output, ReadEnum<ActivationKind>(r), r.ReadSingle(), r.ReadSingle(), r.ReadSingle()),
            NodeTag.BatchNorm => new BatchNormNode(name, input, output, ReadFloats(r), ReadFloats(r)),
            NodeTag.Elementwise => new ElementwiseNode(name, input, output, ReadEnum<ElementwiseOp>(r), ReadTensor(r), r.ReadBoolean()),
            NodeTag.Flatten => new FlattenNode(name, input, output, r.ReadInt32()),
            NodeTag.Reshape => new ReshapeNode(name, input, output, Enumerable.Range(0, ReadCount(r)).Select(_ => r.ReadInt64()).ToArray()),
            NodeTag.Pool => new PoolNode(name, input, output, ReadEnum<PoolKind>(r), ReadInts(r), ReadInts(r), ReadInts(r), ReadInts(r), ReadInts(r),
                r.ReadBoolean(), r.ReadBoolean()),
            NodeTag.GlobalAveragePool => new GlobalAveragePoolNode(name, input, output),
            NodeTag.Softmax => new SoftmaxNode(name, input, output),
            _ => throw new FormatException($"Node '{name}' has unknown node tag {(byte)tag} in graph format version {CurrentFormatVersion}."),
        };
    }

    private static T ReadEnum<T>(BinaryReader r) where T : struct, Enum
    {
        int value = r.ReadInt32();
        T e = (T)(object)value;
        return Enum.IsDefined(e) ? e : throw new FormatException($"Unknown {typeof(T).Name} value {value} in a serialized UnIT graph.");
    }

    private static int ReadCount(BinaryReader r)
    {
        int n = r.ReadInt32();
        // A count larger than the bytes left can only come from corrupted data; fail before allocating it.
        bool fits = n >= 0 && (!r.BaseStream.CanSeek || n <= r.BaseStream.Length - r.BaseStream.Position);
        return fits
            ? n
            : throw new FormatException($"The serialized UnIT graph holds an invalid count {n}.");
    }

    private static void WriteInts(BinaryWriter w, int[] values)
    {
        w.Write(values.Length);
        foreach (int v in values)
        {
            w.Write(v);
        }
    }

    private static int[] ReadInts(BinaryReader r)
    {
        var values = new int[ReadCount(r)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = r.ReadInt32();
        }
        return values;
    }

    private static void WriteFloats(BinaryWriter w, float[] values)
    {
        w.Write(values.Length);
        if (BitConverter.IsLittleEndian)
        {
            w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }
        foreach (float v in values)
        {
            w.Write(v);
        }
    }

    private static float[] ReadFloats(BinaryReader r)
    {
        int n = ReadCount(r);
        var values = new float[n];
        if (BitConverter.IsLittleEndian)
        {
            r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            return values;
        }
        for (int i = 0; i < n; i++)
        {
            values[i] = r.ReadSingle();
        }
        return values;
    }

    private static void WriteOptionalFloats(BinaryWriter w, float[]? values)
    {
        w.Write(values is not null);
        if (values is not null)
        {
            WriteFloats(w, values);
        }
    }

    private static float[]? ReadOptionalFloats(BinaryReader r) => r.ReadBoolean() ? ReadFloats(r) : null;

    private static void WriteTensor(BinaryWriter w, Tensor t)
    {
        WriteInts(w, t.Shape.Dimensions);
        WriteFloats(w, t.Data);
    }

    private static Tensor ReadTensor(BinaryReader r) => new(new Shape(ReadInts(r)), ReadFloats(r));
}
