using System.Text;
using UnIT.ML.Graph.Ops;
using static UnIT.ML.Graph.Serialization.BinaryFormat;

namespace UnIT.ML.Graph.Serialization;

/// <summary>
/// Writes a <see cref="ModelGraph"/> to a compact binary form and reads it back, so a graph can be
/// stored without its ONNX file (e.g. inside a saved ML.NET model). The format starts with a magic
/// tag and a format version; every node type of the IR has one tag (see <see cref="OpTable"/>). All numbers
/// are little-endian. Version 2 added input lists (graphs with branches); version 1 files still load.
/// </summary>
public static class GraphSerializer
{
    /// <summary>The format version this build writes and reads.</summary>
    public const int CurrentFormatVersion = 2;

    private const string Magic = "UNITGRAPH";

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
            if (version is < 1 or > CurrentFormatVersion)
            {
                throw new FormatException($"The serialized UnIT graph has format version {version}; this build of UnIT.ML reads versions 1 to {CurrentFormatVersion}.");
            }
            string name = r.ReadString();
            var input = new ValueInfo(r.ReadString(), new Shape(ReadInts(r)));
            var nodes = new Node[ReadCount(r)];
            for (int i = 0; i < nodes.Length; i++)
            {
                nodes[i] = ReadNode(r, version);
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
        OpEntry entry = OpTable.Find(node)
            ?? throw new NotSupportedException($"Node '{node.Name}' ({node.OpName}, {node.GetType().Name}) has no serialized form in graph format version {CurrentFormatVersion}.");
        w.Write(entry.Tag);
        w.Write(node.Name);
        w.Write(node.Inputs.Count);
        foreach (string input in node.Inputs)
        {
            w.Write(input);
        }
        w.Write(node.Output);
        entry.WriteAttributes(w, node);
    }

    /// <summary>Reads one node; version 1 had exactly one input per node and no input count.</summary>
    private static Node ReadNode(BinaryReader r, int version)
    {
        byte tag = r.ReadByte();
        string name = r.ReadString();
        string[] inputs = version == 1 ? [r.ReadString()] : ReadStrings(r);
        var header = new NodeHeader(name, inputs, r.ReadString());
        OpEntry entry = OpTable.Find(tag)
            ?? throw new FormatException($"Node '{name}' has unknown node tag {tag} in graph format version {version}.");
        return entry.Read(header, r);
    }

    private static string[] ReadStrings(BinaryReader r)
    {
        var values = new string[ReadCount(r)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = r.ReadString();
        }
        return values;
    }
}
