using Microsoft.ML;
using UnIT.ML.MLNet;
using UnIT.ML.Pruning;
using UnIT.Onnx.MLNet;
using static UnIT.ML.Tests.MLNet.FashionMnistViews;

namespace UnIT.ML.Tests.Pruning;

/// <summary>ML.NET: many fitted transformers from one calibration pass, each as Fit would make it.</summary>
[TestClass]
public sealed class FitPercentilesTests
{
    [TestMethod]
    [DataRow("float32")]
    [DataRow("msp430")]
    public void Each_transformer_has_the_thresholds_Fit_calibrates_at_its_percentile(string profile)
    {
        var ml = new MLContext(seed: 1);
        IDataView calibration = Calibration(ml, limit: 60);
        var options = new UnitPruningOptions { Profile = profile, GroupWise = profile == "float32" };
        double[] percentiles = [7, 55, 100];

        IReadOnlyList<UnitPruningTransformer> fitted = ml.Transforms.ApplyUnitPruning(options, ModelPath).FitPercentiles(calibration, percentiles);

        Assert.HasCount(percentiles.Length, fitted);
        for (int i = 0; i < percentiles.Length; i++)
        {
            options.Percentile = percentiles[i];
            ThresholdSet fresh = ml.Transforms.ApplyUnitPruning(options, ModelPath).Fit(calibration).Thresholds;
            Assert.AreEqual(fresh.ToJson(), fitted[i].Thresholds.ToJson(), $"p = {percentiles[i]}");
        }
    }

    [TestMethod]
    public void Explicit_thresholds_leave_nothing_to_calibrate()
    {
        var ml = new MLContext(seed: 1);
        var options = new UnitPruningOptions { Thresholds = ThresholdSet.Zero(Model()) };

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ml.Transforms.ApplyUnitPruning(options, ModelPath).FitPercentiles(Calibration(ml, limit: 5), [10]));
        StringAssert.Contains(e.Message, "explicit Thresholds");
    }
}
