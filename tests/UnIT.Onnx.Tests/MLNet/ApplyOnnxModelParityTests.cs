using Microsoft.ML;
using Microsoft.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.MLNet;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.MLNet;
using UnIT.Onnx.MLNet;
using static UnIT.ML.Tests.MLNet.FashionMnistViews;

namespace UnIT.Onnx.Tests.MLNet;

[TestClass]
public sealed class ApplyOnnxModelParityTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void WithZeroThresholdsScoresEqualApplyOnnxModel()
    {
        // Arrange: explicit T = 0 for every layer (a percentile of 0 would still skip the smallest products).
        var ml = new MLContext(seed: 1);
        IDataView test = Test(ml);
        ModelGraph graph = Model();
        var unitOptions = new UnitPruningOptions { Thresholds = ThresholdSet.Zero(graph), OutputColumnName = "Score" };
        var unitPipeline = ml.Transforms.ApplyUnitPruning(unitOptions, ModelPath).Append(ArgMax(ml));
        var onnxPipeline = ml.Transforms.CopyColumns(graph.Input.Name, "Features")
            .Append(ml.Transforms.ApplyOnnxModel([graph.Outputs[0].Name], [graph.Input.Name], ModelPath))
            .Append(ml.Transforms.CopyColumns("Score", graph.Outputs[0].Name))
            .Append(ArgMax(ml));

        // Act
        IDataView unitScored = unitPipeline.Fit(test).Transform(test);
        IDataView onnxScored = onnxPipeline.Fit(test).Transform(test);
        float diff = MaxAbsDifference(Column(unitScored, "Score"), Column(onnxScored, "Score"));
        MulticlassClassificationMetrics unitMetrics = ml.MulticlassClassification.Evaluate(unitScored);
        MulticlassClassificationMetrics onnxMetrics = ml.MulticlassClassification.Evaluate(onnxScored);

        // Assert
        TestContext.WriteLine($"max |UnIT - ONNX| = {diff:G3}; accuracy {unitMetrics.MicroAccuracy:P2} vs {onnxMetrics.MicroAccuracy:P2}");
        Assert.IsLessThanOrEqualTo(1e-4f, diff);
        Assert.AreEqual(onnxMetrics.MicroAccuracy, unitMetrics.MicroAccuracy);
        Assert.IsGreaterThan(0.85, onnxMetrics.MicroAccuracy);
    }

    [TestMethod]
    public void PathAndStreamOverloadsGiveTheSameModel()
    {
        var ml = new MLContext(seed: 1);
        using FileStream stream = File.OpenRead(ModelPath);

        UnitPruningEstimator fromPath = ml.Transforms.ApplyUnitPruning(new UnitPruningOptions(), ModelPath);
        UnitPruningEstimator fromStream = ml.Transforms.ApplyUnitPruning(new UnitPruningOptions(), stream);

        Assert.AreEqual(fromPath.Graph.Summary().Replace(fromPath.Graph.Name, "m"), fromStream.Graph.Summary().Replace(fromStream.Graph.Name, "m"));
        Assert.IsTrue(stream.CanRead, "The caller keeps and disposes the stream.");
    }
}
