using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using UnIT.ML.MLNet;
using UnIT.ML.Pruning;
using static UnIT.ML.Tests.MLNet.FashionMnistViews;

namespace UnIT.ML.Tests.MLNet;

[TestClass]
public sealed class SchemaErrorTests
{
    private static readonly MLContext Ml = new(seed: 1);

    [TestMethod]
    public void WrongColumnNameNamesTheColumnAndTheExpectedType()
    {
        UnitPruningEstimator estimator = Ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { InputColumnName = "Pixels" }, Model());
        IDataView data = Test(Ml, limit: 5);

        var fromShape = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(ShapeOf(data.Schema)));
        var fromFit = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(data));

        foreach (string message in new[] { fromShape.Message, fromFit.Message })
        {
            StringAssert.Contains(message, "'Pixels'");
            StringAssert.Contains(message, "expected Vector<Single, 784>");
            StringAssert.Contains(message, "got no such column");
        }
    }

    [TestMethod]
    public void WrongItemTypeNamesColumnExpectedAndActual()
    {
        UnitPruningEstimator estimator = Ml.Transforms.ApplyUnitPruning(new UnitPruningOptions(), Model());
        IDataView data = Ml.Data.LoadFromEnumerable([new DoubleRow()]);

        var fromShape = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(ShapeOf(data.Schema)));
        var fromFit = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(data));

        StringAssert.Contains(fromShape.Message, "Schema mismatch for input column 'Features': expected Vector<Single, 784>");
        StringAssert.Contains(fromShape.Message, "got Vector of Double");
        StringAssert.Contains(fromFit.Message, "Schema mismatch for input column 'Features': expected Vector<Single, 784>");
        StringAssert.Contains(fromFit.Message, "got Vector<Double, 784>");
    }

    [TestMethod]
    public void WrongVectorSizeNamesColumnExpectedAndActual()
    {
        var options = new UnitPruningOptions { Thresholds = ThresholdSet.Zero(Model()) };
        UnitPruningEstimator estimator = Ml.Transforms.ApplyUnitPruning(options, Model());
        IDataView small = Ml.Data.LoadFromEnumerable([new SmallRow()]);
        UnitPruningTransformer fitted = estimator.Fit(Test(Ml, limit: 5));

        var fromFit = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(small));
        var fromTransform = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => fitted.Transform(small));
        var fromEngine = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Ml.Model.CreatePredictionEngine<SmallRow, ScoreRow>(fitted));

        foreach (string message in new[] { fromFit.Message, fromTransform.Message, fromEngine.Message })
        {
            StringAssert.Contains(message, "Schema mismatch for input column 'Features': expected Vector<Single, 784>");
            StringAssert.Contains(message, "got Vector<Single, 100>");
        }
    }

    [TestMethod]
    public void ScalarColumnIsRejected()
    {
        UnitPruningEstimator estimator = Ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { InputColumnName = "Label" }, Model());

        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(Test(Ml, limit: 5)));

        StringAssert.Contains(e.Message, "'Label'");
        StringAssert.Contains(e.Message, "got Single");
    }

    [TestMethod]
    public void InvalidOptionsAreRejectedWhenTheEstimatorIsMade()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Percentile = 101 }, Model()));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { CalibrationRowLimit = 0 }, Model()));
        Assert.Throws<ArgumentException>(() => Ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { OutputColumnName = " " }, Model()));
    }

    [TestMethod]
    [DataRow(nameof(UnitPruningOptions.Percentile), "NaN")]
    [DataRow(nameof(UnitPruningOptions.MagnitudeSparsity), "1")]
    [DataRow(nameof(UnitPruningOptions.MagnitudeSparsity), "-0.1")]
    [DataRow(nameof(UnitPruningOptions.MagnitudeSparsity), "NaN")]
    [DataRow(nameof(UnitPruningOptions.FatReluTau), "-1")]
    [DataRow(nameof(UnitPruningOptions.FatReluTau), "NaN")]
    [DataRow(nameof(UnitPruningOptions.FatReluTau), "Infinity")]
    [DataRow(nameof(UnitPruningOptions.Profile), "msp431")]
    [DataRow(nameof(UnitPruningOptions.Division), "fast")]
    [DataRow(nameof(UnitPruningOptions.BitShiftStartingShift), "200")]
    [DataRow(nameof(UnitPruningOptions.BitShiftStartingShift), "2 with exact division")]
    [DataRow(nameof(UnitPruningOptions.CalibrateBinaryTree), "with the profile's exact division")]
    public void InvalidOptionIsNamedByItsPublicNameWhenTheEstimatorIsMade(string option, string value)
    {
        var options = new UnitPruningOptions();
        switch (option)
        {
            case nameof(UnitPruningOptions.Percentile): options.Percentile = double.NaN; break;
            case nameof(UnitPruningOptions.MagnitudeSparsity): options.MagnitudeSparsity = double.Parse(value, CultureInfo.InvariantCulture); break;
            case nameof(UnitPruningOptions.FatReluTau): options.FatReluTau = float.Parse(value, CultureInfo.InvariantCulture); break;
            case nameof(UnitPruningOptions.Profile): options.Profile = value; break;
            case nameof(UnitPruningOptions.Division): options.Division = value; break;
            case nameof(UnitPruningOptions.BitShiftStartingShift) when value == "200": options.BitShiftStartingShift = 200; options.Division = "bitshift"; break;
            case nameof(UnitPruningOptions.BitShiftStartingShift): options.BitShiftStartingShift = 2; options.Division = "exact"; break;
            default: options.CalibrateBinaryTree = true; break;
        }

        var e = Assert.Throws<ArgumentException>(() => Ml.Transforms.ApplyUnitPruning(options, Model()));

        Assert.AreEqual(option, e.ParamName);
        StringAssert.Contains(e.Message, option);
    }

    [TestMethod]
    public void LoadedModelRefusesAnInputOfAnotherSizeWhenTransformIsCalled()
    {
        // Arrange: a model saved and loaded as ML.NET's own chain.
        IDataView test = Test(Ml, limit: 5);
        string path = Path.Combine(Path.GetTempPath(), $"unit-schema-{Guid.NewGuid():N}.zip");
        Ml.Model.Save(Ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Thresholds = ThresholdSet.Zero(Model()) }, Model()).Fit(test), test.Schema, path);
        ITransformer loaded = new MLContext().Model.Load(path, out _);
        File.Delete(path);
        IDataView small = Ml.Data.LoadFromEnumerable([new SmallRow()]);

        // Act: no cursor is opened; the schema is checked when Transform binds it.
        var fromTransform = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => loaded.Transform(small));
        var fromSchema = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => loaded.GetOutputSchema(small.Schema));
        var fromEngine = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Ml.Model.CreatePredictionEngine<SmallRow, ScoreRow>(loaded));
        var fromVariable = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => loaded.Transform(Ml.Data.LoadFromEnumerable([new VariableRow()])));

        // Assert
        foreach (string message in new[] { fromTransform.Message, fromSchema.Message, fromEngine.Message })
        {
            StringAssert.Contains(message, "Schema mismatch for input column 'Features': expected Vector<Single, 784>, got Vector<Single, 100>");
        }
        StringAssert.Contains(fromVariable.Message, "input column 'Features'");
        StringAssert.Contains(fromVariable.Message, "got Vector<Single>");
    }

    [TestMethod]
    public void VariableSizeInputIsRefusedBeforeAnyRowIsRead()
    {
        UnitPruningEstimator estimator = Ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Thresholds = ThresholdSet.Zero(Model()) }, Model());
        IDataView variable = Ml.Data.LoadFromEnumerable([new VariableRow()]);
        UnitPruningTransformer fitted = estimator.Fit(Test(Ml, limit: 5));

        var fromShape = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(ShapeOf(variable.Schema)));
        var fromFit = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(variable));
        var fromTransform = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => fitted.Transform(variable));

        StringAssert.Contains(fromShape.Message, "got variable-size Vector of Single");
        foreach (string message in new[] { fromFit.Message, fromTransform.Message })
        {
            StringAssert.Contains(message, "Schema mismatch for input column 'Features': expected Vector<Single, 784>");
            StringAssert.Contains(message, "got Vector<Single>");
        }
    }

    /// <summary>ML.NET's own schema-to-shape conversion is internal; pipelines call it, so the tests do too.</summary>
    private static SchemaShape ShapeOf(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static, [typeof(DataViewSchema)])!.Invoke(null, [schema])!;

    private sealed class DoubleRow
    {
        [VectorType(Pixels)]
        public double[] Features { get; set; } = new double[Pixels];
    }

    private sealed class SmallRow
    {
        [VectorType(100)]
        public float[] Features { get; set; } = new float[100];
    }

    /// <summary>No VectorType attribute: ML.NET makes a variable-size vector column.</summary>
    private sealed class VariableRow
    {
        public float[] Features { get; set; } = new float[Pixels];
    }
}
