using Microsoft.ML;
using UnIT.ML.MLNet;
using UnIT.Onnx.MLNet;
using static UnIT.ML.Tests.MLNet.FashionMnistViews;

namespace UnIT.ML.Tests.MLNet;

[TestClass]
public sealed class ConcurrencyTests
{
    [TestMethod]
    public void EightConcurrentPredictionEnginesOverAThousandRowsMatchSequentialScoring()
    {
        // Arrange
        const int Threads = 8;
        var ml = new MLContext(seed: 1);
        IDataView rows = Calibration(ml);
        UnitPruningTransformer unit = ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Percentile = 60 }, ModelPath).Fit(Calibration(ml, limit: 200));
        List<ImageRow> images = Rows(ml, rows);
        float[][] sequential = Column(unit.Transform(rows), "Score");
        unit.ResetStatistics();
        var concurrent = new float[images.Count][];

        // Act: one prediction engine per thread (PredictionEngine itself is not thread-safe), all sharing the transformer.
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var engine = ml.Model.CreatePredictionEngine<ImageRow, ScoreRow>(unit);
            for (int i = t; i < images.Count; i += Threads)
            {
                concurrent[i] = engine.Predict(images[i]).Score;
            }
        });

        // Assert
        Assert.HasCount(1000, sequential);
        Assert.AreEqual(0f, MaxAbsDifference(sequential, concurrent));
        Assert.AreEqual(1000L, unit.Statistics.Samples);
    }
}
