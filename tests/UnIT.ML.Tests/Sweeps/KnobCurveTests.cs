using UnIT.ML.Sweeps;
using UnIT.ML.Targets;

namespace UnIT.ML.Tests.Sweeps;

[TestClass]
public sealed class KnobCurveTests
{
    private static readonly TargetProfile Profile = TargetProfile.FromName("float32");

    private static KnobCurve CurveOf(ComparisonMethod method, ComparisonOptions options) =>
        CurveOf(new PointEvaluator(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels), method, options);

    private static KnobCurve CurveOf(PointEvaluator evaluator, ComparisonMethod method, ComparisonOptions options)
    {
        var at = new SweepCoordinates { Kind = SweepPointKind.Dense, Profile = Profile.Name, Division = Profile.DefaultDivision.Name };
        return new KnobCurve(evaluator, method, at, options);
    }

    private static double[] Knobs(KnobCurve curve) => [.. curve.Points.Select(p => KnobCurve.KnobOf(p.Coordinates))];

    private static void AssertKnobs(double[] expected, KnobCurve curve)
    {
        double[] actual = Knobs(curve);
        Assert.HasCount(expected.Length, actual, string.Join(", ", actual));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-6, string.Join(", ", actual));
        }
    }

    [TestMethod]
    public void New_EvaluatesTheDenseSettingAndTheGridInOrder()
    {
        KnobCurve curve = CurveOf(ComparisonMethod.Magnitude, new ComparisonOptions { MagnitudeSparsities = [0.4, 0.2, 0.4] });

        CollectionAssert.AreEqual(new[] { 0, 0.2, 0.4 }, Knobs(curve));
        Assert.AreEqual(SweepPointKind.Dense, curve.Points[0].Coordinates.Kind);
        Assert.IsGreaterThan(curve.Points[1].SkippedFraction, curve.Points[2].SkippedFraction);
    }

    [TestMethod]
    public void New_CalibratesAPercentileGridInOneScanOfTheCalibrationProducts()
    {
        var evaluator = new PointEvaluator(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels);

        CurveOf(evaluator, ComparisonMethod.SinglePercentile, new ComparisonOptions { Percentiles = [10, 30, 50, 70, 90] });

        // The first count, then one scan for the five percentiles' ranks.
        Assert.AreEqual(2, evaluator.Histogram(false).Scans);
    }

    [TestMethod]
    public void Refine_BisectsBetweenTheLastFittingAndTheFirstFailingGridValue()
    {
        KnobCurve curve = CurveOf(ComparisonMethod.SinglePercentile, new ComparisonOptions { Percentiles = [20, 80] });

        curve.Refine(p => KnobCurve.KnobOf(p.Coordinates) <= 47, 4);

        // 50 fails, 35, 42.5 and 46.25 fit: the border is found to a sixteenth of the grid spacing.
        AssertKnobs([0, 20, 80, 50, 35, 42.5, 46.25], curve);
        SweepPoint chosen = curve.Points[^1];
        Assert.AreEqual(46.25, chosen.Coordinates.Percentile);
        Assert.IsGreaterThan(curve.Points[1].SkippedFraction, chosen.SkippedFraction, "a higher percentile skips more");
    }

    [TestMethod]
    public void Refine_StepsPastTheGridWhileItsLargestValueStillFits()
    {
        KnobCurve sparsity = CurveOf(ComparisonMethod.Magnitude, new ComparisonOptions { MagnitudeSparsities = [0.1] });
        KnobCurve tau = CurveOf(ComparisonMethod.FatRelu, new ComparisonOptions { FatReluTaus = [0.05f] });

        sparsity.Refine(p => KnobCurve.KnobOf(p.Coordinates) <= 0.8, 4);
        tau.Refine(p => KnobCurve.KnobOf(p.Coordinates) <= 0.3, 4);

        // Sparsity halves the distance to 1: 0.55 and 0.775 fit, 0.8875 fails, then bisection.
        AssertKnobs([0, 0.1, 0.55, 0.775, 0.8875, 0.83125, 0.803125, 0.7890625, 0.79609375], sparsity);
        // Tau doubles: 0.1 and 0.2 fit, 0.4 fails; bisection in float values (0.3 as a float is just above 0.3).
        AssertKnobs([0, 0.05, 0.1, 0.2, 0.4, 0.3, 0.25, 0.275, 0.2875], tau);
        Assert.IsTrue(tau.Points.Skip(1).All(p => p.Coordinates.Kind == SweepPointKind.FatRelu));
    }

    [TestMethod]
    public void Refine_WithNoSteps_OrWhenNothingFits_KeepsTheGrid()
    {
        var options = new ComparisonOptions { Percentiles = [30, 60] };
        KnobCurve none = CurveOf(ComparisonMethod.SinglePercentile, options);
        KnobCurve zero = CurveOf(ComparisonMethod.SinglePercentile, options);

        none.Refine(_ => false, 4);
        zero.Refine(_ => true, 0);

        CollectionAssert.AreEqual(new double[] { 0, 30, 60 }, Knobs(none));
        CollectionAssert.AreEqual(new double[] { 0, 30, 60 }, Knobs(zero));
    }

    [TestMethod]
    public void Refine_StopsAtTheTopOfTheRange()
    {
        KnobCurve percentile = CurveOf(ComparisonMethod.SinglePercentile, new ComparisonOptions { Percentiles = [100] });
        KnobCurve sparsity = CurveOf(ComparisonMethod.Magnitude, new ComparisonOptions { MagnitudeSparsities = [0.999998] });

        percentile.Refine(_ => true, 4);
        sparsity.Refine(_ => true, 4);

        CollectionAssert.AreEqual(new double[] { 0, 100 }, Knobs(percentile));
        // 0.999999 is the last sparsity below 1 in six decimals.
        AssertKnobs([0, 0.999998, 0.999999], sparsity);
    }
}
