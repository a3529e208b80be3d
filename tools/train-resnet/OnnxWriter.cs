using Google.Protobuf;
using TorchSharp;
using UnIT.Onnx.Protos;
using static TorchSharp.torch;

namespace UnIT.Tools.TrainResnet;

/// <summary>
/// Writes a <see cref="ResidualNet"/> as an opset-13 ONNX model with the protobuf classes generated
/// from the repository's onnx.proto. BatchNormalization stays its own node (the importer folds it) and
/// each residual Add takes two run-time tensors. Input "input" [N,1,28,28], output "logits" [N,10].
/// </summary>
internal sealed class OnnxWriter
{
    private const int Opset = 13;
    private const long IrVersion = 7; // the IR version that goes with opset 13
    private const string Batch = "N";

    private readonly GraphProto graph = new() { Name = "fashion_mnist_resnet" };

    private OnnxWriter()
    {
    }

    /// <summary>Serializes the model (in its current weights and running statistics).</summary>
    public static byte[] Write(ResidualNet net)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("The ONNX writer copies floats as they lie in memory; it needs a little-endian host.");
        var writer = new OnnxWriter();
        GraphProto g = writer.graph;
        g.Input.Add(Value("input", 1, 28, 28));
        g.Output.Add(Value("logits", 10));

        string x = writer.Scalar("Sub", "input", "mean", net.Mean, "/Sub");
        x = writer.Scalar("Div", x, "std", net.Std, "/Div");
        x = writer.Relu(writer.ConvBn(net.Stem, x, "stem"), "/stem/Relu");
        NodeProto pool = writer.NewNode("MaxPool", [x], "/stem/MaxPool");
        pool.Attribute.Add(Ints("kernel_shape", 2, 2));
        pool.Attribute.Add(Ints("strides", 2, 2));
        x = pool.Output[0];
        for (int i = 0; i < net.Blocks.Count; i++)
            x = writer.Block(net.Blocks[i], x, $"block{i + 1}");
        x = writer.Node("GlobalAveragePool", [x], "/pool/GlobalAveragePool");
        NodeProto flatten = writer.NewNode("Flatten", [x], "/Flatten");
        flatten.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        (Tensor weight, Tensor bias) = net.Head;
        NodeProto gemm = writer.NewNode("Gemm", [flatten.Output[0], writer.Initializer("head.weight", weight), writer.Initializer("head.bias", bias)], "/head/Gemm");
        gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        gemm.Output[0] = "logits";

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "UnIT.ML tools/train-resnet",
            Graph = g,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model.ToByteArray();
    }

    private string Block(ResidualBlock block, string x, string name)
    {
        string main = Relu(ConvBn(block.First, x, name + ".first"), $"/{name}/Relu");
        main = ConvBn(block.Second, main, name + ".second");
        string shortcut = block.Projection is null ? x : ConvBn(block.Projection, x, name + ".projection");
        string sum = Node("Add", [main, shortcut], $"/{name}/Add");
        return Relu(sum, $"/{name}/Relu_1");
    }

    private string ConvBn(ConvBn layer, string x, string name)
    {
        string path = "/" + name.Replace('.', '/');
        NodeProto conv = NewNode("Conv", [x, Initializer(name + ".conv.weight", layer.Weight)], path + "/conv/Conv");
        conv.Attribute.Add(Ints("kernel_shape", layer.Kernel, layer.Kernel));
        conv.Attribute.Add(Ints("strides", layer.Stride, layer.Stride));
        conv.Attribute.Add(Ints("pads", layer.Padding, layer.Padding, layer.Padding, layer.Padding));
        conv.Attribute.Add(Ints("dilations", 1, 1));
        conv.Attribute.Add(new AttributeProto { Name = "group", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        string[] norm = ["weight", "bias", "running_mean", "running_var"];
        var inputs = new List<string> { conv.Output[0] };
        for (int i = 0; i < norm.Length; i++)
            inputs.Add(Initializer($"{name}.bn.{norm[i]}", layer.NormParameters[i]));
        NodeProto bn = NewNode("BatchNormalization", [.. inputs], path + "/bn/BatchNormalization");
        bn.Attribute.Add(new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = (float)TrainResnet.ConvBn.Epsilon });
        return bn.Output[0];
    }

    private string Relu(string x, string name) => Node("Relu", [x], name);

    private string Scalar(string op, string x, string constName, float value, string name)
    {
        var tensor = new TensorProto { Name = constName, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.FloatData.Add(value);
        graph.Initializer.Add(tensor);
        return Node(op, [x, constName], name);
    }

    private string Node(string op, string[] inputs, string name) => NewNode(op, inputs, name).Output[0];

    private NodeProto NewNode(string op, string[] inputs, string name)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.Add(inputs);
        node.Output.Add(name + "_output_0");
        graph.Node.Add(node);
        return node;
    }

    private string Initializer(string name, Tensor value)
    {
        using Tensor contiguous = value.detach().contiguous();
        float[] data = contiguous.data<float>().ToArray();
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(value.shape);
        var bytes = new byte[data.Length * sizeof(float)];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length); // raw_data is little-endian: Write checked the host
        tensor.RawData = ByteString.CopyFrom(bytes);
        graph.Initializer.Add(tensor);
        return name;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    /// <summary>A float tensor value with a symbolic batch axis followed by fixed axes.</summary>
    private static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = Batch });
        foreach (long d in dims)
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
