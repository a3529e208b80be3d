using Microsoft.ML;
using UnIT.ML.MLNet;
using UnIT.Onnx.MLNet;
using static UnIT.ML.Tests.MLNet.FashionMnistViews;

namespace UnIT.ML.Tests.MLNet;

[TestClass]
public sealed class SaveLoadTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void SavedPipelineLoadsWithItsGraphThresholdsAndScores()
    {
        // Arrange
        var ml = new MLContext(seed: 1);
        var options = new UnitPruningOptions { Percentile = 40, GroupWise = true, Profile = "max78000", EmitStatistics = true };
        ITransformer model = ml.Transforms.ApplyUnitPruning(options, ModelPath).Fit(Calibration(ml, limit: 200));
        UnitPruningTransformer fitted = UnitPruningTransformer.FromLoadedModel(model);
        IDataView test = Test(ml, limit: 50);
        string path = Path.Combine(TestContext.TestRunResultsDirectory ?? Path.GetTempPath(), $"unit-{Guid.NewGuid():N}.zip");

        // Act
        ml.Model.Save(model, test.Schema, path);
        var fresh = new MLContext(seed: 2);
        ITransformer loaded = fresh.Model.Load(path, out DataViewSchema inputSchema);
        UnitPruningTransformer view = UnitPruningTransformer.FromLoadedModel(loaded);
        float[][] before = Column(model.Transform(test), "Score");
        view.ResetStatistics();
        float[][] after = Column(loaded.Transform(test), "Score");

        // Assert
        Assert.IsNotInstanceOfType<UnitPruningTransformer>(loaded, "ML.NET loads the built-in chain, not our type.");
        Assert.AreEqual(fitted.Thresholds.ToJson(), view.Thresholds.ToJson());
        Assert.AreEqual(fitted.Model.Graph.Summary(), view.Model.Graph.Summary());
        Assert.AreEqual("max78000", view.Options.Profile);
        Assert.IsTrue(view.Options.GroupWise);
        Assert.AreEqual(0f, MaxAbsDifference(before, after));
        Assert.AreEqual(50L, view.Statistics.Samples, "The typed view counts what the loaded chain scored.");
        Assert.IsNotNull(inputSchema.GetColumnOrNull("Features"));
        Assert.IsNotNull(loaded.GetOutputSchema(test.Schema).GetColumnOrNull("Score.MacsSkipped"));
    }

    [TestMethod]
    public void ModelSavedWithAnotherStateVersionGivesAClearError()
    {
        // Arrange: a transformer whose saved state claims a newer format version.
        var ml = new MLContext(seed: 1);
        IDataView test = Test(ml, limit: 5);
        UnitPruningTransformer fitted = ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Thresholds = new() }, ModelPath).Fit(test);
        int newer = UnitModelState.CurrentFormatVersion + 1;
        var future = new UnitPruningTransformer(fitted.Scorer,
            BuiltInCarrier.Build(ml.Transforms, fitted.Scorer, test, UnitModelState.Write(fitted.Scorer, newer)));
        string path = Path.Combine(TestContext.TestRunResultsDirectory ?? Path.GetTempPath(), $"unit-v{newer}-{Guid.NewGuid():N}.zip");
        ml.Model.Save(future, test.Schema, path);

        // Act
        ITransformer loaded = new MLContext().Model.Load(path, out _);
        var fromView = Assert.ThrowsExactly<FormatException>(() => UnitPruningTransformer.FromLoadedModel(loaded));
        Exception fromScoring = Assert.Throws<Exception>(() => Column(loaded.Transform(test), "Score"));

        // Assert
        TestContext.WriteLine(fromView.Message);
        StringAssert.Contains(fromView.Message, $"state format version {newer}");
        StringAssert.Contains(fromView.Message, $"reads version {UnitModelState.CurrentFormatVersion}");
        Exception root = fromScoring;
        while (root is not FormatException && root.InnerException is not null)
        {
            root = root.InnerException;
        }
        Assert.AreEqual(fromView.Message, root.Message);
    }

    [TestMethod]
    public void ModelWithoutUnitTransformerIsReported()
    {
        var ml = new MLContext();
        ITransformer other = ml.Transforms.CopyColumns("A", "Features").Fit(Test(ml, limit: 1));

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => UnitPruningTransformer.FromLoadedModel(other));

        StringAssert.Contains(e.Message, "holds no UnIT pruning transformer");
    }
}
