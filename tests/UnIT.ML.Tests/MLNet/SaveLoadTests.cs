using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using UnIT.ML.Graph.Serialization;
using UnIT.ML.MLNet;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;
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
        string path = ZipPath();

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
    public void Dense_loops_chosen_in_Fit_are_saved_and_loaded_with_the_thresholds()
    {
        var ml = new MLContext(seed: 1);
        var options = new UnitPruningOptions { Percentile = 10, Profile = "msp430", EmitStatistics = true, DenseWhereCheaper = CostTable.Msp430HardwareMultiply };
        ITransformer model = ml.Transforms.ApplyUnitPruning(options, ModelPath).Fit(Calibration(ml, limit: 100));
        UnitPruningTransformer fitted = UnitPruningTransformer.FromLoadedModel(model);
        IDataView test = Test(ml, limit: 30);
        string path = ZipPath();

        ml.Model.Save(model, test.Schema, path);
        ITransformer loaded = new MLContext(seed: 2).Model.Load(path, out _);
        UnitPruningTransformer view = UnitPruningTransformer.FromLoadedModel(loaded);

        Assert.IsNotEmpty(fitted.Thresholds.DenseLayers!, "at p = 10 a layer of this model costs more under UnIT than dense with the hardware multiplier");
        CollectionAssert.AreEqual(fitted.Thresholds.DenseLayers, view.Thresholds.DenseLayers);
        Assert.AreEqual(0f, MaxAbsDifference(Column(model.Transform(test), "Score"), Column(loaded.Transform(test), "Score")));
        foreach (string layer in view.Thresholds.DenseLayers!)
        {
            LayerStatistics counts = view.Statistics.For(layer);
            Assert.AreEqual(counts.Total, counts.DenseMacs, $"{layer} runs the dense loop after loading");
        }
    }

    [TestMethod]
    [DataRow("msp430 Q formats")]
    [DataRow("magnitude sparsity")]
    [DataRow("FATReLU")]
    [DataRow("group-wise")]
    [DataRow("bias correction")]
    [DataRow("skip compensation")]
    public void ModelRebuiltFromTheSavedFileScoresAndPrunesIdentically(string variant)
    {
        // Arrange
        var ml = new MLContext(seed: 1);
        var options = variant switch
        {
            "msp430 Q formats" => new UnitPruningOptions { Profile = "msp430", Percentile = 60 },
            "magnitude sparsity" => new UnitPruningOptions { MagnitudeSparsity = 0.5, Percentile = 40 },
            "FATReLU" => new UnitPruningOptions { FatReluTau = 0.2f, Percentile = 40 },
            "bias correction" => new UnitPruningOptions { BiasCorrection = true, Percentile = 60 },
            "skip compensation" => new UnitPruningOptions { SkipCompensation = true, Percentile = 70 },
            _ => new UnitPruningOptions { GroupWise = true, Percentile = 60 },
        };
        UnitPruningTransformer fitted = ml.Transforms.ApplyUnitPruning(options, ModelPath).Fit(Calibration(ml, limit: 50));
        IDataView test = Test(ml, limit: 30);
        float[][] before = Column(fitted.Transform(test), "Score");
        string path = ZipPath();
        ml.Model.Save(fitted, test.Schema, path);

        // Act
        ITransformer loaded = new MLContext(seed: 2).Model.Load(path, out _);
        UnitPruningTransformer view = UnitPruningTransformer.FromLoadedModel(loaded);
        float[][] after = Column(loaded.Transform(test), "Score");

        // Assert
        Assert.AreNotSame(fitted.Model, view.Model, "The loaded model must be rebuilt from the file's bytes.");
        Assert.AreEqual(0f, MaxAbsDifference(before, after));
        Assert.AreEqual(fitted.Thresholds.ToJson(), view.Thresholds.ToJson());
        CollectionAssert.AreEqual(GraphSerializer.ToBytes(fitted.Model.Graph), GraphSerializer.ToBytes(view.Model.Graph), "The pruned graph (after magnitude pruning).");
        CollectionAssert.AreEquivalent(fitted.Model.FatReluThresholds.ToList(), view.Model.FatReluThresholds.ToList());
        Assert.AreEqual(fitted.Statistics.Executed, view.Statistics.Executed);
        Assert.AreEqual(fitted.Statistics.SkippedThreshold, view.Statistics.SkippedThreshold);
        switch (variant)
        {
            case "msp430 Q formats":
                QuantizationPlan q = view.Thresholds.Quantization!;
                Assert.IsNotEmpty(q.Values);
                CollectionAssert.AreEquivalent(fitted.Thresholds.Quantization!.Values.ToList(), q.Values.ToList());
                CollectionAssert.AreEquivalent(fitted.Thresholds.Quantization.Weights.ToList(), q.Weights.ToList());
                Assert.AreEqual("msp430", view.Model.Profile.Name);
                break;
            case "magnitude sparsity":
                Assert.AreEqual(0.5, view.Options.MagnitudeSparsity);
                CollectionAssert.AreNotEqual(GraphSerializer.ToBytes(view.Model.OriginalGraph), GraphSerializer.ToBytes(view.Model.Graph), "Weights were pruned.");
                break;
            case "FATReLU":
                Assert.AreEqual(0.2f, view.Options.FatReluTau);
                Assert.IsNotEmpty(view.Model.FatReluThresholds);
                break;
            case "bias correction":
                Assert.IsNotNull(view.Thresholds.BiasCorrections);
                CollectionAssert.AreNotEqual(GraphSerializer.ToBytes(view.Model.OriginalGraph), GraphSerializer.ToBytes(view.Model.Graph), "Biases were corrected, once.");
                break;
            case "skip compensation":
                Assert.IsNotNull(view.Thresholds.SkipCompensations);
                Assert.IsGreaterThan(0L, view.Statistics.Compensations);
                Assert.AreEqual(fitted.Statistics.Compensations, view.Statistics.Compensations);
                break;
            default:
                Assert.IsTrue(view.Thresholds.GroupWise);
                Assert.IsTrue(view.Thresholds.Layers.Values.All(t => t.Length > 1));
                break;
        }
    }

    [TestMethod]
    public void DivisionSettingsAreSavedAndRestored()
    {
        // Arrange
        var ml = new MLContext(seed: 1);
        IDataView calibration = Calibration(ml, limit: 50);
        IDataView test = Test(ml, limit: 10);
        var bitShift = new UnitPruningOptions { Profile = "msp430", BitShiftStartingShift = -2 };
        var binaryTree = new UnitPruningOptions { Division = "binarytree", CalibrateBinaryTree = true };

        // Act
        UnitPruningTransformer shiftView = SaveAndLoad(ml, ml.Transforms.ApplyUnitPruning(bitShift, ModelPath).Fit(calibration), test);
        UnitPruningTransformer treeView = SaveAndLoad(ml, ml.Transforms.ApplyUnitPruning(binaryTree, ModelPath).Fit(calibration), test);

        // Assert
        Assert.AreEqual(-2, shiftView.Options.BitShiftStartingShift);
        Assert.AreEqual(-2, shiftView.Model.Options.BitShiftStartingShift, "Passed on to the core options.");
        Assert.IsFalse(shiftView.Options.CalibrateBinaryTree);
        Assert.IsTrue(treeView.Options.CalibrateBinaryTree);
        Assert.IsTrue(treeView.Model.Options.CalibrateBinaryTree, "Passed on to the core options.");
        Assert.IsNull(treeView.Options.BitShiftStartingShift);
    }

    [TestMethod]
    public void EachLoadedCopyCountsOnlyItsOwnRows()
    {
        // Arrange
        var ml = new MLContext(seed: 1);
        IDataView test = Test(ml, limit: 10);
        string path = ZipPath();
        ml.Model.Save(ml.Transforms.ApplyUnitPruning(new UnitPruningOptions(), ModelPath).Fit(Calibration(ml, limit: 50)), test.Schema, path);
        ITransformer a = new MLContext().Model.Load(path, out _);
        ITransformer b = new MLContext().Model.Load(path, out _);

        // Act
        _ = Column(a.Transform(ml.Data.TakeRows(test, 7)), "Score");
        _ = Column(b.Transform(ml.Data.TakeRows(test, 3)), "Score");

        // Assert
        Assert.AreEqual(7L, UnitPruningTransformer.FromLoadedModel(a).Statistics.Samples);
        Assert.AreEqual(3L, UnitPruningTransformer.FromLoadedModel(b).Statistics.Samples);
        Assert.AreNotSame(UnitPruningTransformer.FromLoadedModel(a).Model, UnitPruningTransformer.FromLoadedModel(b).Model);
    }

    [TestMethod]
    public void TwoModelsLoadedInOneProcessEachScoreAsSaved()
    {
        var ml = new MLContext(seed: 1);
        IDataView calibration = Calibration(ml, limit: 50);
        IDataView test = Test(ml, limit: 20);
        ITransformer light = ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Percentile = 20 }, ModelPath).Fit(calibration);
        ITransformer heavy = ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Percentile = 90 }, ModelPath).Fit(calibration);
        string lightPath = ZipPath(), heavyPath = ZipPath();
        ml.Model.Save(light, test.Schema, lightPath);
        ml.Model.Save(heavy, test.Schema, heavyPath);

        ITransformer lightLoaded = new MLContext().Model.Load(lightPath, out _);
        ITransformer heavyLoaded = new MLContext().Model.Load(heavyPath, out _);

        Assert.AreEqual(0f, MaxAbsDifference(Column(light.Transform(test), "Score"), Column(lightLoaded.Transform(test), "Score")));
        Assert.AreEqual(0f, MaxAbsDifference(Column(heavy.Transform(test), "Score"), Column(heavyLoaded.Transform(test), "Score")));
        Assert.AreNotEqual(0f, MaxAbsDifference(Column(lightLoaded.Transform(test), "Score"), Column(heavyLoaded.Transform(test), "Score")));
    }

    [TestMethod]
    public void NothingProcessWideKeepsLoadedModels()
    {
        // Arrange: the sizes of every static collection in the ML.NET part of UnIT.ML.
        var ml = new MLContext(seed: 1);
        IDataView test = Test(ml, limit: 2);
        string path = ZipPath();
        ml.Model.Save(ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Thresholds = ThresholdSet.Zero(Model()) }, ModelPath).Fit(test), test.Schema, path);
        Dictionary<string, int> sizesBefore = StaticCollectionSizes();

        // Act: load, score and drop a few copies.
        WeakReference[] models = Enumerable.Range(0, 6).Select(_ => LoadScoreAndDrop(path, test)).ToArray();
        // ML.NET's cursor threads let go of their model when they finish, which may be just after the drop.
        for (int attempt = 0; attempt < 20 && models.Count(m => m.IsAlive) > 1; attempt++)
        {
            Thread.Sleep(50);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        // Assert: ML.NET's cursor threads may still hold the last model they ran, never more.
        CollectionAssert.AreEquivalent(sizesBefore.ToList(), StaticCollectionSizes().ToList(), "A static collection grew with every load.");
        Assert.IsLessThanOrEqualTo(1, models.Count(m => m.IsAlive), "Dropped loaded models are still reachable.");
    }

    [TestMethod]
    public void Version1StateSavedByTheEarlierBuildLoadsAndScoresAsTheSameModelBuiltNow()
    {
        // Arrange: the fixture was saved by the code that wrote state version 1 (msp430, group-wise,
        // magnitude sparsity 0.3, FATReLU 0.05, 200 calibration rows, p = 50), with its thresholds beside it.
        string fixtures = Path.Combine(AppContext.BaseDirectory, "MLNet", "Fixtures");
        ThresholdSet saved = ThresholdSet.FromJson(File.ReadAllText(Path.Combine(fixtures, "state-v1-msp430.thresholds.json")));
        var ml = new MLContext(seed: 1);
        IDataView test = Test(ml, limit: 50);

        // Act
        ITransformer loaded = ml.Model.Load(Path.Combine(fixtures, "state-v1-msp430.zip"), out _);
        UnitPruningTransformer view = UnitPruningTransformer.FromLoadedModel(loaded);
        UnitPruningOptions o = view.Options;
        var sameModelNow = new UnitPruningOptions
        {
            Profile = "msp430", GroupWise = true, MagnitudeSparsity = 0.3, FatReluTau = 0.05f, EmitStatistics = true, Thresholds = saved,
        };
        UnitPruningTransformer rebuilt = ml.Transforms.ApplyUnitPruning(sameModelNow, ModelPath).Fit(test);

        // Assert
        Assert.AreEqual(("msp430", true, 50.0, 0.3, 0.05f, 200), (o.Profile, o.GroupWise, o.Percentile, o.MagnitudeSparsity, o.FatReluTau, o.CalibrationRowLimit ?? 0));
        CollectionAssert.AreEquivalent(saved.Layers.Keys.ToList(), view.Thresholds.Layers.Keys.ToList());
        foreach ((string layer, float[] t) in saved.Layers)
        {
            CollectionAssert.AreEqual(t, view.Thresholds.Layers[layer], layer);
        }
        CollectionAssert.AreEquivalent(saved.Quantization!.Values.ToList(), view.Thresholds.Quantization!.Values.ToList());
        CollectionAssert.AreEquivalent(saved.Quantization.Weights.ToList(), view.Thresholds.Quantization.Weights.ToList());
        float[][] fromFixture = Column(loaded.Transform(test), "Score");
        Assert.AreEqual(0f, MaxAbsDifference(Column(rebuilt.Transform(test), "Score"), fromFixture));
        Assert.AreEqual(50L, view.Statistics.Samples);
    }

    [TestMethod]
    public void ModelSavedWithAnotherStateVersionGivesAClearError()
    {
        // Arrange: a transformer whose saved state claims a newer format version.
        var ml = new MLContext(seed: 1);
        IDataView test = Test(ml, limit: 5);
        UnitPruningTransformer fitted = ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Thresholds = ThresholdSet.Zero(Model()) }, ModelPath).Fit(test);
        int newer = UnitModelState.CurrentFormatVersion + 1;
        var future = new UnitPruningTransformer(fitted.Scorer,
            BuiltInCarrier.Build(ml.Transforms, fitted.Scorer, test, UnitModelState.Write(fitted.Scorer, newer)));
        string path = ZipPath();
        ml.Model.Save(future, test.Schema, path);

        // Act
        ITransformer loaded = new MLContext().Model.Load(path, out _);
        var fromView = Assert.ThrowsExactly<FormatException>(() => UnitPruningTransformer.FromLoadedModel(loaded));
        Exception fromScoring = Assert.Throws<Exception>(() => Column(loaded.Transform(test), "Score"));

        // Assert
        TestContext.WriteLine(fromView.Message);
        StringAssert.Contains(fromView.Message, $"state format version {newer}");
        StringAssert.Contains(fromView.Message, $"reads versions 1 to {UnitModelState.CurrentFormatVersion}");
        Assert.AreEqual(fromView.Message, RootFormatException(fromScoring).Message);
    }

    [TestMethod]
    public void ModelWithoutUnitTransformerIsReported()
    {
        var ml = new MLContext();
        ITransformer other = ml.Transforms.CopyColumns("A", "Features").Fit(Test(ml, limit: 1));

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => UnitPruningTransformer.FromLoadedModel(other));

        StringAssert.Contains(e.Message, "holds no UnIT pruning transformer");
    }

    /// <summary>The innermost FormatException of an exception ML.NET wrapped while scoring.</summary>
    internal static Exception RootFormatException(Exception e)
    {
        Exception root = e;
        while (root is not FormatException && root.InnerException is not null)
        {
            root = root.InnerException;
        }
        return root;
    }

    private string ZipPath() => Path.Combine(TestContext.TestRunResultsDirectory ?? Path.GetTempPath(), $"unit-{Guid.NewGuid():N}.zip");

    private UnitPruningTransformer SaveAndLoad(MLContext ml, UnitPruningTransformer fitted, IDataView test)
    {
        string path = ZipPath();
        ml.Model.Save(fitted, test.Schema, path);
        ITransformer loaded = new MLContext().Model.Load(path, out _);
        Assert.AreEqual(0f, MaxAbsDifference(Column(fitted.Transform(test), "Score"), Column(loaded.Transform(test), "Score")));
        return UnitPruningTransformer.FromLoadedModel(loaded);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadScoreAndDrop(string path, IDataView test)
    {
        ITransformer loaded = new MLContext().Model.Load(path, out _);
        _ = Column(loaded.Transform(test), "Score");
        return new WeakReference(UnitPruningTransformer.FromLoadedModel(loaded).Model);
    }

    private static Dictionary<string, int> StaticCollectionSizes() =>
        typeof(UnitPruningTransformer).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(UnitPruningTransformer).Namespace && !t.ContainsGenericParameters)
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Select(f => (Name: $"{f.DeclaringType!.FullName}.{f.Name}", Value: f.GetValue(null)))
            .Where(f => f.Value is ICollection)
            .ToDictionary(f => f.Name, f => ((ICollection)f.Value!).Count);
}
