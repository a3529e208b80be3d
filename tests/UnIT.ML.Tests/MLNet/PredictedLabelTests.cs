using FashionMnistPipeline;
using Microsoft.ML;
using Microsoft.ML.Data;
using UnIT.ML.MLNet;
using UnIT.Onnx.MLNet;
using static UnIT.ML.Tests.MLNet.FashionMnistViews;

namespace UnIT.ML.Tests.MLNet;

[TestClass]
public sealed class PredictedLabelTests
{
    [TestMethod]
    public void TheExamplesPredictedLabelIsTheArgMaxOfScoreOnEveryRowIncludingClass9()
    {
        // Arrange: the example's pipeline shape: UnIT scores, then the example's own argmax mapping.
        var ml = new MLContext(seed: 1);
        IDataView test = Test(ml, limit: 100);
        var pipeline = ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Percentile = 50 }, ModelPath)
            .Append(ml.Transforms.CustomMapping<ArgMaxMapping.Input, ArgMaxMapping.Output>(ArgMaxMapping.Map, ArgMaxMapping.ContractName));
        IDataView scored = pipeline.Fit(Calibration(ml, limit: 100)).Transform(test);

        // Act: the key as ML.NET stores it (k + 1 for the k-th of the 10 classes, 0 for missing).
        float[][] scores = Column(scored, "Score");
        uint[] keys = RawKeys(scored, "PredictedLabel");
        int[] argMax = scores.Select(s => Array.IndexOf(s, s.Max())).ToArray();

        // Assert
        Assert.AreEqual(new KeyDataViewType(typeof(uint), Classes), scored.Schema["PredictedLabel"].Type);
        CollectionAssert.AreEqual(argMax.Select(c => (uint)(c + 1)).ToArray(), keys);
        CollectionAssert.Contains(argMax, 9, "The test rows include the last class.");
        CollectionAssert.Contains(argMax, 0, "The test rows include the first class.");
    }
}
