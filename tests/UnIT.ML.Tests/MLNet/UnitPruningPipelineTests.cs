using Microsoft.ML;
using Microsoft.ML.Data;
using UnIT.ML.MLNet;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;
using UnIT.Onnx.MLNet;
using static UnIT.ML.Tests.MLNet.FashionMnistViews;

namespace UnIT.ML.Tests.MLNet;

[TestClass]
public sealed class UnitPruningPipelineTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void FitTransformEvaluateOnFashionMnistSkipsMacsAndKeepsAccuracy()
    {
        // Arrange
        var ml = new MLContext(seed: 1);
        var options = new UnitPruningOptions { Percentile = 50, EmitStatistics = true };
        var pipeline = ml.Transforms.ApplyUnitPruning(options, ModelPath);

        // Act
        var model = pipeline.Fit(Calibration(ml));
        IDataView scored = model.Transform(Test(ml));
        MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(scored);
        UnitPruningTransformer unit = UnitPruningTransformer.FromLoadedModel(model);
        InferenceStatistics stats = unit.Statistics;
        long[] executed = ml.Data.CreateEnumerable<MacRow>(scored, false).Select(r => r.Executed).ToArray();

        // Assert
        TestContext.WriteLine($"accuracy {metrics.MicroAccuracy:P2}, skipped {stats.SkippedFraction:P2}, thresholds {unit.Thresholds.ToJson()}");
        Assert.AreEqual("percentile", unit.Thresholds.Method);
        Assert.AreEqual(1000, unit.Thresholds.CalibrationSamples);
        Assert.IsGreaterThan(0.80, metrics.MicroAccuracy);
        Assert.IsGreaterThan(0.3, stats.SkippedFraction);
        Assert.AreEqual(500L * 242_560, stats.Total);
        Assert.HasCount(500, executed);
        Assert.AreEqual(stats.Executed, executed.Sum());
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, Classes), scored.Schema["Score"].Type);
    }

    [TestMethod]
    public void CalibrationRowLimitBoundsTheRowsRead()
    {
        var ml = new MLContext(seed: 1);
        var options = new UnitPruningOptions { CalibrationRowLimit = 100 };

        UnitPruningTransformer unit = ml.Transforms.ApplyUnitPruning(options, ModelPath).Fit(Calibration(ml));

        Assert.AreEqual(100, unit.Thresholds.CalibrationSamples);
    }

    [TestMethod]
    public void PreviewAndPredictionEngineGiveTheSameScoresAsTransform()
    {
        var ml = new MLContext(seed: 1);
        IDataView test = Test(ml, limit: 20);
        UnitPruningTransformer unit = ml.Transforms.ApplyUnitPruning(new UnitPruningOptions(), ModelPath).Fit(Calibration(ml, limit: 200));

        float[][] transformed = Column(unit.Transform(test), "Score");
        DataDebuggerPreview preview = unit.Transform(test).Preview(maxRows: 20);
        var engine = ml.Model.CreatePredictionEngine<ImageRow, ScoreRow>(unit);
        float[][] predicted = Rows(ml, test).Select(r => engine.Predict(r).Score).ToArray();

        Assert.HasCount(20, preview.RowView);
        CollectionAssert.AreEqual(transformed[0], ((VBuffer<float>)preview.RowView[0].Values.Single(kv => kv.Key == "Score").Value).DenseValues().ToArray());
        Assert.AreEqual(0f, MaxAbsDifference(transformed, predicted));
    }

    [TestMethod]
    public void StatisticsAccumulateUntilReset()
    {
        var ml = new MLContext(seed: 1);
        UnitPruningTransformer unit = ml.Transforms.ApplyUnitPruning(new UnitPruningOptions(), ModelPath).Fit(Calibration(ml, limit: 100));
        IDataView test = Test(ml, limit: 10);

        _ = Column(unit.Transform(test), "Score");
        _ = Column(unit.Transform(test), "Score");
        long twice = unit.Statistics.Samples;
        unit.ResetStatistics();
        _ = Column(unit.Transform(test), "Score");

        Assert.AreEqual(20L, twice);
        Assert.AreEqual(10L, unit.Statistics.Samples);
        Assert.HasCount(3, unit.Statistics.Layers);
    }

    [TestMethod]
    public void Statistics_count_sorted_lists_only_for_a_table_that_prices_them()
    {
        var ml = new MLContext(seed: 1);
        IDataView calibration = Calibration(ml, limit: 60);
        IDataView test = Test(ml, limit: 20);
        UnitPruningTransformer priced = ml.Transforms.ApplyUnitPruning(
            new UnitPruningOptions { Percentile = 50, Profile = "msp430", DenseWhereCheaper = CostTable.Msp430SoftwareMultiply }, ModelPath).Fit(calibration);
        // The same thresholds and dense loops, without a table that prices lists.
        UnitPruningTransformer plain = ml.Transforms.ApplyUnitPruning(
            new UnitPruningOptions { Profile = "msp430", Thresholds = priced.Thresholds }, ModelPath).Fit(calibration);
        plain.ResetStatistics();
        priced.ResetStatistics();

        _ = Column(plain.Transform(test), "Score");
        _ = Column(priced.Transform(test), "Score");

        InferenceStatistics without = plain.Statistics, with = priced.Statistics;
        Assert.AreEqual(with.Executed, without.Executed, "the lists change no MAC count");
        LayerStatistics listed = with.Layers.First(l => l.ListScans > 0);
        Assert.AreEqual(20L, without.For(listed.Layer).ListsUncounted);
        Assert.AreEqual(0L, with.Layers.Sum(l => l.ListsUncounted));
        TargetProfile measured = TargetProfile.Msp430.WithCosts(CostTable.Msp430SoftwareMultiply);
        Assert.AreEqual(CostModel.Estimate(TargetProfile.Msp430, with).Speedup, CostModel.Estimate(TargetProfile.Msp430, without).Speedup);
        Assert.IsGreaterThan(0.0, CostModel.Estimate(measured, with).Cycles);
        Assert.ThrowsExactly<InvalidOperationException>(() => CostModel.Estimate(measured, without));
    }

    private sealed class MacRow
    {
        [ColumnName("Score.MacsExecuted")]
        public long Executed { get; set; }

        [ColumnName("Score.MacsSkipped")]
        public long Skipped { get; set; }
    }
}
