using UnIT.ML.Data;
using UnIT.ML.Evaluation;
using UnIT.ML.Graph;
using UnIT.ML.Shift;
using UnIT.ML.Sweeps;
using UnIT.ML.Tests.Kernels;
using UnIT.ML.Tests.Sweeps;

namespace UnIT.ML.Tests.Shift;

[TestClass]
public sealed class ShiftComparisonTests
{
    [TestMethod]
    public void Run_KeepsCleanThresholds_AndMatchesMagnitudeToUnitsMacsSkippedOnCleanData()
    {
        var options = new ShiftOptions { Percentile = 50, Kinds = [ShiftKind.Occlusion], MatchSteps = 8 };

        ShiftResult result = ShiftComparison.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);

        Assert.HasCount(4, result.Rows);
        Assert.IsNull(result.Rows[0].Kind);
        ShiftRow clean = result.Rows[0];
        Assert.AreEqual(clean.Unit.SkippedFraction, clean.Magnitude.SkippedFraction, 0.02);
        Assert.AreEqual(result.MagnitudeSparsity, clean.Magnitude.Coordinates.MagnitudeSparsity);
        CollectionAssert.AreEqual(new[] { 0.2, 0.3, 0.4 }, result.Rows.Skip(1).Select(r => r.Strength).ToArray());
        foreach (ShiftRow r in result.Rows.Skip(1))
        {
            // Thresholds and sparsity were set on clean data and are not re-fitted to the shift.
            CollectionAssert.AreEqual(clean.Unit.Thresholds.Layers["/conv2/Conv"], r.Unit.Thresholds.Layers["/conv2/Conv"]);
            Assert.AreEqual(result.MagnitudeSparsity, r.Magnitude.Coordinates.MagnitudeSparsity);
            Assert.AreEqual(r.Unit.DenseAccuracy, r.Magnitude.DenseAccuracy);
        }
        // Heavier occlusion costs the dense model accuracy on these images.
        ShiftRow[] occlusion = result.Rows.Where(r => r.Kind == ShiftKind.Occlusion).ToArray();
        Assert.IsLessThan(clean.Unit.DenseAccuracy, occlusion[^1].Unit.DenseAccuracy);
    }

    [TestMethod]
    public void Run_ShiftsDigitsInTheirOwnHeightAndWidth_ForAModelThatTakesThemFlattened()
    {
        ModelGraph flat = TestGraphs.FullyConnected(784, 10, new Random(5));
        SampleSet test = DatasetLoader.Load(SweepData.Asset("data", "fashion-mnist", "test-500-images-idx3-ubyte.gz"),
            SweepData.Asset("data", "fashion-mnist", "test-500-labels-idx1-ubyte.gz"), limit: 60);
        Tensor images = test.ToImages(flat.Input.Shape);
        var options = new ShiftOptions { Percentile = 50, Kinds = [ShiftKind.Rotation], MatchSteps = 4 };

        ShiftResult result = ShiftComparison.Run(flat, test.Batches(flat.Input.Shape, 30), images, test.Labels!, options);

        Assert.AreEqual(new Shape(60, 1, 28, 28), images.Shape);
        // The 30-degree row is the dense model on the digits rotated as images, then flattened.
        Tensor rotated = ImageShift.Apply(images, ShiftKind.Rotation, 30, options.Seed);
        float[] logits = Evaluator.DenseLogits(flat, rotated.Reshape(new Shape(60, 784)));
        double accuracy = Enumerable.Range(0, 60).Count(i => ArgMax(logits.AsSpan(i * 10, 10)) == test.Labels![i]) / 60.0;
        Assert.AreEqual(accuracy, result.Rows[^1].Unit.DenseAccuracy, 1e-12);
        Assert.AreNotEqual(result.Rows[0].Unit.SkippedFraction, result.Rows[^1].Unit.SkippedFraction);
    }

    [TestMethod]
    public void Run_UsesTheGivenStrengthsInTheirOrder_AndEveryOtherKindAtItsDefaults()
    {
        var options = new ShiftOptions
        {
            Percentile = 50,
            Kinds = [ShiftKind.Rotation, ShiftKind.Brightness],
            Strengths = new Dictionary<ShiftKind, IReadOnlyList<double>> { [ShiftKind.Rotation] = [45, 5] },
            MatchSteps = 2,
        };

        ShiftResult result = ShiftComparison.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);

        CollectionAssert.AreEqual(new (ShiftKind?, double)[] { (null, 0), (ShiftKind.Rotation, 45), (ShiftKind.Rotation, 5),
            (ShiftKind.Brightness, 0.1), (ShiftKind.Brightness, 0.2), (ShiftKind.Brightness, 0.3) },
            result.Rows.Select(r => (r.Kind, r.Strength)).ToArray());
        // A 45-degree turn costs the dense model more than a 5-degree one on these images.
        Assert.IsLessThan(result.Rows[2].Unit.DenseAccuracy, result.Rows[1].Unit.DenseAccuracy);
    }

    [TestMethod]
    [DataRow(ShiftKind.Occlusion, new[] { 0.2 }, "not among the shifts")]
    [DataRow(ShiftKind.Rotation, new double[0], "No strength is given for Rotation")]
    [DataRow(ShiftKind.Rotation, new[] { 10.0, double.NaN }, "Strength NaN of Rotation must be finite")]
    [DataRow(ShiftKind.Contrast, new[] { 1.5 }, "Strength 1.5 of Contrast must be finite, >= 0 and <= 1")]
    [DataRow(ShiftKind.Rotation, new[] { 10.0, 10.0 }, "given twice")]
    public void Validate_RefusesStrengthsForAKindNotRun_NoneOutOfRangeOrRepeated(ShiftKind kind, double[] strengths, string message)
    {
        var options = new ShiftOptions
        {
            Kinds = [ShiftKind.Rotation, ShiftKind.Contrast],
            Strengths = new Dictionary<ShiftKind, IReadOnlyList<double>> { [kind] = strengths },
        };

        var error = Assert.Throws<ArgumentException>(() => options.Validate());

        StringAssert.Contains(error.Message, message);
    }

    [TestMethod]
    public void Run_WithATrainTimePrunedModel_ReportsItAsItIsAndWithUnitOnTop_OnEveryRow()
    {
        // Half the weights of every layer set to zero stands in for a model pruned in training.
        ModelGraph pruned = SweepData.Model.WithLayers(SweepData.Model.PrunableLayers.Select(l =>
            l.WithWeight(new Tensor(l.Weight.Shape, l.Weight.Data.Select((w, i) => i % 2 == 0 ? 0f : w).ToArray()))));
        var options = new ShiftOptions { Percentile = 50, Kinds = [ShiftKind.Brightness], MatchSteps = 2, TrainTimePruned = pruned, TrainTimePercentile = 20 };

        ShiftResult result = ShiftComparison.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);

        float[] logits = Evaluator.DenseLogits(pruned, SweepData.Images);
        int n = SweepData.Labels.Count;
        double accuracy = Enumerable.Range(0, n).Count(i => ArgMax(logits.AsSpan(i * 10, 10)) == SweepData.Labels[i]) / (double)n;
        SweepPoint clean = result.Rows[0].TrainTime!;
        Assert.AreEqual(accuracy, clean.Accuracy, 1e-12, "as it is, the model runs dense");
        Assert.AreEqual(clean.DenseAccuracy, clean.Accuracy);
        Assert.AreEqual(0, clean.MacsSkippedThreshold);
        Assert.IsGreaterThanOrEqualTo(0.5, clean.SkippedFraction, "its zero weights skip at least half the MACs");
        foreach (ShiftRow row in result.Rows)
        {
            Assert.AreEqual(20, row.TrainTimeUnit!.Coordinates.Percentile);
            Assert.IsGreaterThan(row.TrainTime!.SkippedFraction, row.TrainTimeUnit.SkippedFraction, "UnIT on top skips more");
        }
        // Thresholds are set once on clean calibration data and kept under the shift.
        CollectionAssert.AreEqual(result.Rows[0].TrainTimeUnit!.Thresholds.Layers["/conv2/Conv"], result.Rows[^1].TrainTimeUnit!.Thresholds.Layers["/conv2/Conv"]);
    }

    [TestMethod]
    public void Run_RefusesATrainTimePrunedModelThatTakesOtherSamples()
    {
        ModelGraph other = TestGraphs.FullyConnected(784, 10, new Random(2));
        var options = new ShiftOptions { Kinds = [ShiftKind.Brightness], TrainTimePruned = other };

        var error = Assert.Throws<ArgumentException>(() => ShiftComparison.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options));

        StringAssert.Contains(error.Message, "both must take the same samples");
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }
        return best;
    }
}
