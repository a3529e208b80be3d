using UnIT.ML.Graph;
using UnIT.Onnx.Protos;
using UnIT.Onnx.Tests.Helpers;
using static UnIT.Onnx.Tests.Helpers.OnnxAttr;
using DataType = UnIT.Onnx.Protos.TensorProto.Types.DataType;

namespace UnIT.Onnx.Tests;

/// <summary>Initializers in each storage form: raw_data, typed fields, other data types.</summary>
[TestClass]
public sealed class TensorStorageTests
{
    public static IEnumerable<object[]> CaseNames => ParityCase.Names(Cases());

    [TestMethod]
    [DynamicData(nameof(CaseNames))]
    public void StorageFormMatchesOnnxRuntime(string name) => ParityCase.Run(Cases(), name);

    [TestMethod]
    public void RawAndTypedFloatWeightsImportIdentically()
    {
        float[] w = TestData.Uniform(108, 71);
        byte[] raw = ConvWith(OnnxTensors.Float("w", [4, 3, 3, 3], w)).ToBytes();
        byte[] typed = ConvWith(OnnxTensors.FloatTyped("w", [4, 3, 3, 3], w)).ToBytes();
        CollectionAssert.AreEqual(w, OnnxImporter.Import(raw).PrunableLayers[0].Weight.Data);
        CollectionAssert.AreEqual(w, OnnxImporter.Import(typed).PrunableLayers[0].Weight.Data);
    }

    private static OnnxModelBuilder ConvWith(TensorProto weight) =>
        new OnnxModelBuilder(13).Input("x", -1, 3, 6, 6).Initializer(weight).Node("Conv", ["x", weight.Name], ["y"]).Output("y");

    private static IEnumerable<ParityCase> Cases()
    {
        float[] w = TestData.Uniform(108, 72);
        int[] shape = [2, 3, 6, 6];
        yield return new("float_data weights", ConvWith(OnnxTensors.FloatTyped("w", [4, 3, 3, 3], w)).ToBytes(), shape);
        yield return new("raw double weights cast to float", new OnnxModelBuilder(13).Input("x", -1, 3, 6, 6)
            .Initializer(OnnxTensors.Double("wd", [4, 3, 3, 3], w, raw: true)).Node("Cast", "wd", "w", Int("to", (long)DataType.Float))
            .Node("Conv", ["x", "w"], ["y"]).Output("y").ToBytes(), shape);
        yield return new("double_data weights cast to float", new OnnxModelBuilder(13).Input("x", -1, 3, 6, 6)
            .Initializer(OnnxTensors.Double("wd", [4, 3, 3, 3], w, raw: false)).Node("Cast", "wd", "w", Int("to", (long)DataType.Float))
            .Node("Conv", ["x", "w"], ["y"]).Output("y").ToBytes(), shape);
        yield return new("int64_data shape", new OnnxModelBuilder(13).Input("x", -1, 3, 6, 6)
            .Initializer(OnnxTensors.Int64Typed("t", [2], [-1, 108])).Node("Reshape", ["x", "t"], ["y"]).Output("y").ToBytes(), shape);
        yield return new("int32_data shape cast to int64", new OnnxModelBuilder(13).Input("x", -1, 3, 6, 6)
            .Initializer(OnnxTensors.Int32Typed("t32", [2], [0, -1])).Node("Cast", "t32", "t", Int("to", (long)DataType.Int64))
            .Node("Reshape", ["x", "t"], ["y"]).Output("y").ToBytes(), shape);
        yield return new("initializer also listed as graph input (IR 3 style)", WithInitializerInput(), shape);
    }

    private static byte[] WithInitializerInput()
    {
        ModelProto model = ConvWith(OnnxTensors.Float("w", [4, 3, 3, 3], TestData.Uniform(108, 73))).Build();
        model.Graph.Input.Add(new ValueInfoProto
        {
            Name = "w",
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float, Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimValue = 4 }, new TensorShapeProto.Types.Dimension { DimValue = 3 }, new TensorShapeProto.Types.Dimension { DimValue = 3 }, new TensorShapeProto.Types.Dimension { DimValue = 3 } } } } },
        });
        return Google.Protobuf.MessageExtensions.ToByteArray(model);
    }
}
