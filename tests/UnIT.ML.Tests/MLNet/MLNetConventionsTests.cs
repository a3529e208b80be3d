using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using UnIT.ML.MLNet;
using UnIT.Onnx.MLNet;
using static UnIT.ML.Tests.MLNet.FashionMnistViews;

namespace UnIT.ML.Tests.MLNet;

/// <summary>The transformer behaves like ML.NET's own: short overload, PredictedLabel key, class names, early option checks.</summary>
[TestClass]
public sealed class MLNetConventionsTests
{
    [TestMethod]
    public void ShortOverloadPlusEvaluateNeedsNoMappingAndGivesTheAccuracyOfScoresArgMax()
    {
        // Arrange
        var ml = new MLContext(seed: 1);
        IDataView test = Test(ml, limit: 200);
        ITransformer model = ml.Transforms.ApplyUnitPruning("Score", "Features", ModelPath, percentile: 50).Fit(Calibration(ml, limit: 100));
        IDataView scored = model.Transform(test);

        // Act
        MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(scored);
        float[][] scores = Column(scored, "Score");
        float[] labels = scored.GetColumn<float>("Label").ToArray();
        uint[] keys = RawKeys(scored, "PredictedLabel");
        int[] argMax = scores.Select(s => Array.IndexOf(s, s.Max())).ToArray();

        // Assert: class k is key k + 1, as trainers make it; accuracy is the argmax's.
        Assert.AreEqual(new KeyDataViewType(typeof(uint), Classes), scored.Schema["PredictedLabel"].Type);
        CollectionAssert.AreEqual(argMax.Select(c => (uint)(c + 1)).ToArray(), keys);
        double argMaxAccuracy = argMax.Zip(labels, (p, l) => p == (int)l ? 1.0 : 0.0).Average();
        Assert.AreEqual(argMaxAccuracy, metrics.MicroAccuracy, 1e-12);
        Assert.IsGreaterThan(0.5, metrics.MicroAccuracy, "The shipped model classifies most test images.");
        CollectionAssert.Contains(argMax, 9, "The test rows include the last class.");
    }

    [TestMethod]
    public void ClassNamesAreTheKeyValuesBeforeAndAfterSaveAndLoad()
    {
        // Arrange
        var ml = new MLContext(seed: 1);
        IDataView test = Test(ml, limit: 50);
        var options = new UnitPruningOptions { Percentile = 50, ClassNames = FashionClasses };
        ITransformer model = ml.Transforms.ApplyUnitPruning(options, ModelPath)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel"))
            .Fit(Calibration(ml, limit: 100));
        string path = Path.Combine(Path.GetTempPath(), $"unit-names-{Guid.NewGuid():N}.zip");
        ml.Model.Save(model, test.Schema, path);
        ITransformer loaded = new MLContext().Model.Load(path, out _);
        File.Delete(path);

        foreach (IDataView scored in new[] { model.Transform(test), loaded.Transform(test) })
        {
            // Act
            VBuffer<ReadOnlyMemory<char>> keyValues = default;
            scored.Schema["PredictedLabel"].GetKeyValues(ref keyValues);
            string[] predicted = scored.GetColumn<string>("PredictedName").ToArray();
            int[] argMax = Column(scored, "Score").Select(s => Array.IndexOf(s, s.Max())).ToArray();

            // Assert
            CollectionAssert.AreEqual(FashionClasses, keyValues.DenseValues().Select(v => v.ToString()).ToArray());
            CollectionAssert.AreEqual(argMax.Select(c => FashionClasses[c]).ToArray(), predicted);
        }
        CollectionAssert.AreEqual(FashionClasses, UnitPruningTransformer.FromLoadedModel(loaded).Options.ClassNames!.ToArray());
    }

    [TestMethod]
    public void WithoutClassNamesTheKeyValuesAreTheClassIndicesAndNoColumnWhenTurnedOff()
    {
        var ml = new MLContext(seed: 1);
        IDataView test = Test(ml, limit: 20);
        IDataView withLabel = ml.Transforms.ApplyUnitPruning("Score", "Features", Model(), percentile: 0).Fit(test).Transform(test);
        IDataView without = ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Percentile = 0, PredictedLabelColumnName = null }, Model()).Fit(test).Transform(test);

        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        withLabel.Schema["PredictedLabel"].GetKeyValues(ref keyValues);
        uint[] keys = RawKeys(withLabel, "PredictedLabel");
        int[] argMax = Column(withLabel, "Score").Select(s => Array.IndexOf(s, s.Max())).ToArray();

        CollectionAssert.AreEqual(Enumerable.Range(0, Classes).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray(), keyValues.DenseValues().Select(v => v.ToString()).ToArray());
        CollectionAssert.AreEqual(argMax.Select(c => (uint)(c + 1)).ToArray(), keys);
        Assert.IsNull(without.Schema.GetColumnOrNull("PredictedLabel"));
        Assert.IsFalse(withLabel.Schema.Any(c => !c.IsHidden && c.Name.StartsWith("__UnIT.", StringComparison.Ordinal)), "No helper column is left.");
    }

    [TestMethod]
    [DataRow(new[] { "a", "b" }, "has 2 names; model")]
    [DataRow(new[] { "a", "b", "c", "d", "e", "f", "g", "h", "i", "a" }, "'a' more than once")]
    [DataRow(new[] { "a", "b", "c", "d", "e", "f", "g", "h", "i", " " }, "empty name")]
    public void BadClassNamesAreRefusedWhenTheEstimatorIsBuilt(string[] names, string message)
    {
        var ml = new MLContext(seed: 1);

        var e = Assert.Throws<ArgumentException>(() => ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { ClassNames = names }, Model()));

        Assert.AreEqual(nameof(UnitPruningOptions.ClassNames), e.ParamName);
        StringAssert.Contains(e.Message, message);
    }

    [TestMethod]
    public void ShortOverloadChecksItsArgumentsWhenTheEstimatorIsBuilt()
    {
        var ml = new MLContext(seed: 1);

        var percentile = Assert.Throws<ArgumentException>(() => ml.Transforms.ApplyUnitPruning("Score", "Features", ModelPath, percentile: 101));
        var clash = Assert.Throws<ArgumentException>(() => ml.Transforms.ApplyUnitPruning("PredictedLabel", "Features", ModelPath));

        Assert.AreEqual(nameof(UnitPruningOptions.Percentile), percentile.ParamName);
        Assert.AreEqual(nameof(UnitPruningOptions.PredictedLabelColumnName), clash.ParamName);
        StringAssert.Contains(clash.Message, "must differ from InputColumnName and OutputColumnName");
    }
}
