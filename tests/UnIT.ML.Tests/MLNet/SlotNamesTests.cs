using Microsoft.ML;
using Microsoft.ML.Data;
using UnIT.ML.MLNet;
using UnIT.Onnx.MLNet;
using static UnIT.ML.Tests.MLNet.FashionMnistViews;

namespace UnIT.ML.Tests.MLNet;

/// <summary>With ClassNames, Score's slots are named after the classes, in the fitted and in the saved and loaded model.</summary>
[TestClass]
public sealed class SlotNamesTests
{
    [TestMethod]
    public void ScoreSlotNamesAreTheClassNamesBeforeAndAfterSaveAndLoadWithScoresUnchanged()
    {
        // Arrange
        var ml = new MLContext(seed: 1);
        IDataView calibration = Calibration(ml, limit: 100);
        IDataView test = Test(ml, limit: 50);
        var named = new UnitPruningOptions { Percentile = 50, ClassNames = FashionClasses, EmitStatistics = true };
        ITransformer model = ml.Transforms.ApplyUnitPruning(named, ModelPath).Fit(calibration);
        float[][] plain = Column(ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Percentile = 50 }, ModelPath).Fit(calibration).Transform(test), "Score");
        string path = Path.Combine(Path.GetTempPath(), $"unit-slots-{Guid.NewGuid():N}.zip");
        ml.Model.Save(model, test.Schema, path);
        ITransformer loaded = new MLContext(seed: 2).Model.Load(path, out _);
        File.Delete(path);

        foreach (IDataView scored in new[] { model.Transform(test), loaded.Transform(test) })
        {
            // Act
            DataViewSchema.Column score = scored.Schema["Score"];
            VBuffer<ReadOnlyMemory<char>> slotNames = default;
            score.GetSlotNames(ref slotNames);

            // Assert
            CollectionAssert.AreEqual(FashionClasses, slotNames.DenseValues().Select(n => n.ToString()).ToArray());
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, Classes), score.Type);
            Assert.AreEqual(0f, MaxAbsDifference(plain, Column(scored, "Score")), "Naming the slots changes no score.");
            Assert.AreEqual(1, scored.Schema.Count(c => c.Name == "Score"), "No hidden copy of Score is left.");
            Assert.IsFalse(scored.Schema.Any(c => FashionClasses.Contains(c.Name) || c.Name.StartsWith("__UnIT.", StringComparison.Ordinal)), "No class or helper column is left.");
            CollectionAssert.AreEqual(test.Schema.Select(c => c.Name).ToArray(), scored.Schema.Take(test.Schema.Count).Select(c => c.Name).ToArray());
            Assert.IsNotNull(scored.Schema.GetColumnOrNull("Score.MacsSkipped"));
        }
    }

    [TestMethod]
    public void WithoutClassNamesScoreHasNoSlotNames()
    {
        var ml = new MLContext(seed: 1);
        IDataView test = Test(ml, limit: 10);

        IDataView scored = ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Percentile = 0 }, ModelPath).Fit(test).Transform(test);

        Assert.IsFalse(scored.Schema["Score"].HasSlotNames());
    }

    [TestMethod]
    public void ClassNamedLikeAnInputColumnIsRefusedAtFitNamingBoth()
    {
        var ml = new MLContext(seed: 1);
        IDataView test = Test(ml, limit: 10);
        string[] names = [.. FashionClasses[..9], "Label"];
        var estimator = ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Percentile = 0, ClassNames = names }, ModelPath);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(test));

        StringAssert.Contains(e.Message, "Class name 'Label' is also the name of input column 'Label'");
        Assert.AreEqual("inputSchema", e.ParamName);
    }

    [TestMethod]
    public void FittedTransformerRefusesDataWithAColumnNamedLikeAClass()
    {
        var ml = new MLContext(seed: 1);
        IDataView test = Test(ml, limit: 10);
        UnitPruningTransformer fitted = ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Percentile = 0, ClassNames = FashionClasses }, ModelPath).Fit(test);
        IDataView clashing = ml.Transforms.CopyColumns("Trouser", "Label").Fit(test).Transform(test);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => fitted.Transform(clashing));

        StringAssert.Contains(e.Message, "input column 'Trouser'");
    }

    [TestMethod]
    [DataRow("Score")]
    [DataRow("PredictedLabel")]
    [DataRow("Features")]
    [DataRow("Score.MacsExecuted")]
    [DataRow("__UnIT.Raw")]
    public void ClassNamedLikeAColumnOfTheTransformerIsRefusedWhenTheEstimatorIsBuilt(string name)
    {
        var ml = new MLContext(seed: 1);
        string[] names = [name, .. FashionClasses[1..]];

        var e = Assert.Throws<ArgumentException>(() => ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { ClassNames = names, EmitStatistics = true }, ModelPath));

        Assert.AreEqual(nameof(UnitPruningOptions.ClassNames), e.ParamName);
        StringAssert.Contains(e.Message, $"Class name '{name}'");
    }
}
