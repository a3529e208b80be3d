using Microsoft.ML;
using Microsoft.ML.Data;
using UnIT.ML.MLNet;
using UnIT.Onnx.MLNet;
using static UnIT.ML.Tests.MLNet.FashionMnistViews;

namespace UnIT.ML.Tests.MLNet;

/// <summary>Transform scores blocks of rows at once; every row must still get what scoring it alone gives.</summary>
[TestClass]
public sealed class BlockScoringTests
{
    [TestMethod]
    public void TransformInBlocksGivesEachRowTheScoresCountsAndLabelOfScoringItAlone()
    {
        // Arrange: 300 rows, one full block of 256 and a partial one.
        var ml = new MLContext(seed: 1);
        var options = new UnitPruningOptions { Percentile = 50, EmitStatistics = true };
        UnitPruningTransformer unit = ml.Transforms.ApplyUnitPruning(options, ModelPath).Fit(Calibration(ml, limit: 200));
        IDataView rows = Test(ml, limit: 300);
        List<ImageRow> images = Rows(ml, rows);
        unit.ResetStatistics();

        // Act
        List<ScoredRow> blocks = ml.Data.CreateEnumerable<ScoredRow>(unit.Transform(rows), reuseRowObject: false).ToList();
        long blockExecuted = unit.Statistics.Executed;
        long blockSamples = unit.Statistics.Samples;
        unit.ResetStatistics();
        using var engine = ml.Model.CreatePredictionEngine<ImageRow, ScoredRow>(unit);
        List<ScoredRow> alone = images.Select(image => engine.Predict(image)).ToList();

        // Assert
        Assert.HasCount(300, blocks);
        for (int i = 0; i < blocks.Count; i++)
        {
            Assert.AreEqual(images[i].Label, blocks[i].Label, $"row {i}: the passed-through label");
            CollectionAssert.AreEqual(alone[i].Score, blocks[i].Score, $"row {i}: scores");
            Assert.AreEqual(alone[i].MacsExecuted, blocks[i].MacsExecuted, $"row {i}: executed MACs");
            Assert.AreEqual(alone[i].MacsSkipped, blocks[i].MacsSkipped, $"row {i}: skipped MACs");
        }
        Assert.IsGreaterThan(0L, blocks.Sum(r => r.MacsSkipped));
        Assert.AreEqual(300L, blockSamples);
        Assert.AreEqual(unit.Statistics.Executed, blockExecuted);
        Assert.AreEqual(blocks.Sum(r => r.MacsExecuted), blockExecuted);
    }

    [TestMethod]
    public void TransformReadingOnlyAnInputColumnScoresNothingAndKeepsRowOrder()
    {
        // Arrange
        var ml = new MLContext(seed: 1);
        UnitPruningTransformer unit = ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Percentile = 50 }, ModelPath).Fit(Calibration(ml, limit: 100));
        IDataView rows = Test(ml, limit: 40);
        unit.ResetStatistics();

        // Act
        float[] labels = ml.Data.CreateEnumerable<LabelRow>(unit.Transform(rows), reuseRowObject: false).Select(r => r.Label).ToArray();

        // Assert
        CollectionAssert.AreEqual(Rows(ml, rows).Select(r => r.Label).ToArray(), labels);
        Assert.AreEqual(0L, unit.Statistics.Samples);
    }

    public sealed class LabelRow
    {
        public float Label { get; set; }
    }

    public sealed class ScoredRow
    {
        public float Label { get; set; }

        public float[] Score { get; set; } = [];

        [ColumnName("Score.MacsExecuted")]
        public long MacsExecuted { get; set; }

        [ColumnName("Score.MacsSkipped")]
        public long MacsSkipped { get; set; }
    }
}
