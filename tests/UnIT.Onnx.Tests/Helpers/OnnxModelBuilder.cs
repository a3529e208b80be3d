using Google.Protobuf;
using UnIT.Onnx.Protos;

namespace UnIT.Onnx.Tests.Helpers;

/// <summary>
/// Builds small ONNX models in code with the importer's protobuf types: inputs, initializers,
/// nodes with attributes, outputs; then serializes them.
/// </summary>
internal sealed class OnnxModelBuilder
{
    private readonly GraphProto _graph = new() { Name = "test_graph" };
    private int _nodeCount;

    /// <summary>Starts a model for the given default-domain opset.</summary>
    public OnnxModelBuilder(int opset = 13)
    {
        Opset = opset;
    }

    /// <summary>The default-domain opset the model declares.</summary>
    public int Opset { get; }

    /// <summary>Adds a float graph input; a dimension of -1 becomes the symbolic batch size "N".</summary>
    public OnnxModelBuilder Input(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
        {
            shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        _graph.Input.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        });
        return this;
    }

    /// <summary>Adds a float graph output (shape left to inference).</summary>
    public OnnxModelBuilder Output(string name)
    {
        _graph.Output.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
        });
        return this;
    }

    /// <summary>Adds a float initializer stored as raw_data.</summary>
    public OnnxModelBuilder Initializer(string name, long[] dims, float[] values) => Initializer(OnnxTensors.Float(name, dims, values));

    /// <summary>Adds an int64 initializer stored as raw_data.</summary>
    public OnnxModelBuilder Int64Initializer(string name, long[] dims, long[] values) => Initializer(OnnxTensors.Int64(name, dims, values));

    /// <summary>Adds a prepared initializer.</summary>
    public OnnxModelBuilder Initializer(TensorProto tensor)
    {
        _graph.Initializer.Add(tensor);
        return this;
    }

    /// <summary>Adds a node; its name defaults to "<c>op_k</c>".</summary>
    public OnnxModelBuilder Node(string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes) =>
        NamedNode($"{opType.ToLowerInvariant()}_{_nodeCount}", opType, inputs, outputs, attributes);

    /// <summary>Adds a node with one input and one output.</summary>
    public OnnxModelBuilder Node(string opType, string input, string output, params AttributeProto[] attributes) =>
        Node(opType, [input], [output], attributes);

    /// <summary>Adds a node with an explicit name.</summary>
    public OnnxModelBuilder NamedNode(string name, string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        _nodeCount++;
        var node = new NodeProto { Name = name, OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return this;
    }

    /// <summary>Adds a Constant node producing <paramref name="value"/>.</summary>
    public OnnxModelBuilder Constant(string output, TensorProto value) => Node("Constant", [], [output], OnnxAttr.Tensor("value", value));

    /// <summary>The model message.</summary>
    public ModelProto Build()
    {
        var model = new ModelProto
        {
            IrVersion = Opset switch { <= 12 => 7, <= 18 => 8, <= 20 => 9, _ => 10 },
            ProducerName = "UnIT.Onnx.Tests",
            Graph = _graph.Clone(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    /// <summary>The serialized model.</summary>
    public byte[] ToBytes() => Build().ToByteArray();
}
