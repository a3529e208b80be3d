using UnIT.ML.Shift;
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
}
