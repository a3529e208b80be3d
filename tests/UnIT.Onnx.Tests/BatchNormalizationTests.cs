using UnIT.ML.Graph;
using UnIT.Onnx.Tests.Helpers;
using static UnIT.Onnx.Tests.Helpers.OnnxAttr;

namespace UnIT.Onnx.Tests;

[TestClass]
public sealed class BatchNormalizationTests
{
    public static IEnumerable<object[]> CaseNames => ParityCase.Names(Cases());

    [TestMethod]
    [DynamicData(nameof(CaseNames))]
    public void BatchNormalizationMatchesOnnxRuntime(string name) => ParityCase.Run(Cases(), name);

    private static OnnxModelBuilder WithStatistics(OnnxModelBuilder b, int channels) => b
        .Initializer("gamma", [channels], TestData.Uniform(channels, 31, 0.5f, 2f))
        .Initializer("beta", [channels], TestData.Uniform(channels, 32))
        .Initializer("mean", [channels], TestData.Uniform(channels, 33))
        .Initializer("var", [channels], TestData.Uniform(channels, 34, 0.2f, 2f));

    private static OnnxModelBuilder ConvThenBn(int opset, bool convBias)
    {
        var b = new OnnxModelBuilder(opset).Input("x", -1, 3, 8, 8).Initializer("w", [4, 3, 3, 3], TestData.Uniform(108, 35));
        if (convBias)
        {
            b.Initializer("cb", [4], TestData.Uniform(4, 36));
        }
        return WithStatistics(b, 4)
            .Node("Conv", convBias ? ["x", "w", "cb"] : ["x", "w"], ["c"], Ints("pads", 1, 1, 1, 1))
            .Node("BatchNormalization", ["c", "gamma", "beta", "mean", "var"], ["y"], Float("epsilon", 1e-3f));
    }

    private static void Folded(ModelGraph g)
    {
        Assert.AreEqual(0, g.Nodes.OfType<BatchNormNode>().Count(), g.Summary());
        var conv = (ConvNode)g.Nodes.Single();
        Assert.IsNotNull(conv.Bias);
        Assert.AreEqual("y", conv.Output);
    }

    private static void NotFolded(ModelGraph g) => Assert.AreEqual(1, g.Nodes.OfType<BatchNormNode>().Count(), g.Summary());

    private static IEnumerable<ParityCase> Cases()
    {
        yield return new("Conv + BN folded, opset 9", ConvThenBn(9, true).Output("y").ToBytes(), [2, 3, 8, 8], Verify: Folded);
        yield return new("bias-free Conv + BN folded, opset 15", ConvThenBn(15, false).Output("y").ToBytes(), [2, 3, 8, 8], Verify: Folded);
        yield return new("Conv read twice: BN kept", ConvThenBn(14, true).Output("y").Output("c").ToBytes(), [2, 3, 8, 8], Verify: NotFolded);
        yield return new("BN after Relu kept", WithStatistics(new OnnxModelBuilder(13).Input("x", -1, 4, 5, 5), 4)
            .Node("Relu", "x", "r").Node("BatchNormalization", ["r", "gamma", "beta", "mean", "var"], ["y"]).Output("y").ToBytes(), [2, 4, 5, 5], Verify: NotFolded);
        yield return new("BN on a matrix", WithStatistics(new OnnxModelBuilder(13).Input("x", -1, 4), 4)
            .Node("BatchNormalization", ["x", "gamma", "beta", "mean", "var"], ["y"]).Output("y").ToBytes(), [3, 4], Verify: NotFolded);
        yield return new("BN on a 1-D signal, training_mode 0", WithStatistics(new OnnxModelBuilder(15).Input("x", -1, 4, 9), 4)
            .Node("BatchNormalization", ["x", "gamma", "beta", "mean", "var"], ["y"], Int("training_mode", 0)).Output("y").ToBytes(), [3, 4, 9], Verify: NotFolded);
    }
}
