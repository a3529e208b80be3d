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
        var options = new UnitPruningOptions { Thresholds = new ThresholdSet() };
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
}
