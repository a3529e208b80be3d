using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.Sweeps;

namespace UnIT.ML.Tests.Pruning;

/// <summary>Thresholds made on a FATReLU or magnitude baseline record it, and a loaded set runs on it again.</summary>
[TestClass]
public sealed class SavedBaselineTests
{
    private static PrunedModel Made() => PrunedModel.Create(SweepData.Model,
        new PruningOptions { Percentile = 50, FatReluTau = 0.2f, MagnitudeSparsity = 0.3 }, SweepData.Calibration);

    private static float[] Logits(PrunedModel model) => model.Engine.Run(SweepData.Images).Data;

    [TestMethod]
    public void A_loaded_set_runs_on_the_baseline_it_was_made_on_without_being_told()
    {
        PrunedModel made = Made();
        ThresholdSet loaded = ThresholdSet.FromJson(made.Thresholds.ToJson());

        PrunedModel again = PrunedModel.Create(SweepData.Model, new PruningOptions { Thresholds = loaded }, SweepData.Calibration);
        PrunedModel stripped = PrunedModel.Create(SweepData.Model,
            new PruningOptions { Thresholds = loaded with { FatRelu = null, MagnitudeSparsity = null } }, SweepData.Calibration);

        Assert.AreEqual(0.3, loaded.MagnitudeSparsity);
        CollectionAssert.AreEquivalent(made.FatReluThresholds.ToArray(), loaded.FatRelu!.ToArray());
        Assert.IsNotEmpty(loaded.FatRelu!);
        Assert.IsTrue(loaded.FatRelu!.Values.All(t => t == 0.2f));
        CollectionAssert.AreEqual(Logits(made), Logits(again));
        CollectionAssert.AreNotEqual(Logits(made), Logits(stripped));
        Assert.AreEqual(0.3, again.Thresholds.MagnitudeSparsity);
    }

    [TestMethod]
    [DataRow("float32")]
    [DataRow("msp430")]
    public void The_dense_reference_of_a_model_on_a_baseline_is_the_model_as_given_in_the_same_numerics(string profile)
    {
        PrunedModel made = PrunedModel.Create(SweepData.Model, new PruningOptions
        {
            Profile = profile, Percentile = 50, FatReluTau = 0.2f, MagnitudeSparsity = 0.3, BiasCorrection = true,
        }, SweepData.Calibration);
        PrunedModel plain = PrunedModel.Create(SweepData.Model, new PruningOptions { Profile = profile, Percentile = 50 }, SweepData.Calibration);

        PrunedModel dense = made.DenseAsGiven();
        PrunedModel withoutUnit = made.WithThresholds(ThresholdSet.Zero(made.Graph));

        Assert.IsEmpty(dense.FatReluThresholds);
        Assert.IsTrue(dense.Thresholds.Layers.Values.All(t => t.All(v => v == 0)));
        Assert.IsTrue(dense.Thresholds.QuantizedLayers?.Values.All(t => t.All(v => v == 0)) ?? true);
        Assert.IsNull(dense.Thresholds.BiasCorrections);
        Assert.AreSame(made.Thresholds.Quantization, dense.Thresholds.Quantization);
        if (profile == "float32")
        {
            // Float: exactly the model as given, whatever the baseline did.
            CollectionAssert.AreEqual(plain.DenseAsGiven().Engine.Run(SweepData.Images).Data, Logits(dense));
        }
        CollectionAssert.AreNotEqual(Logits(withoutUnit), Logits(dense), "the baseline's zeros are not in the dense reference");
    }

    [TestMethod]
    public void Options_that_ask_for_another_baseline_are_refused_by_name()
    {
        ThresholdSet saved = Made().Thresholds;

        var sparsity = Assert.ThrowsExactly<ArgumentException>(() => PrunedModel.Create(SweepData.Model,
            new PruningOptions { Thresholds = saved, MagnitudeSparsity = 0.4 }, SweepData.Calibration));
        var tau = Assert.ThrowsExactly<ArgumentException>(() => PrunedModel.Create(SweepData.Model,
            new PruningOptions { Thresholds = saved, FatReluTau = 0.3f }, SweepData.Calibration));
        var node = Assert.ThrowsExactly<ArgumentException>(() => PrunedModel.Create(SweepData.Model,
            new PruningOptions { Thresholds = saved with { FatRelu = new() { ["/no_such_relu"] = 0.2f } } }, SweepData.Calibration));

        foreach (float bad in new[] { -1f, float.NaN, float.PositiveInfinity })
        {
            var invalid = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => PrunedModel.Create(SweepData.Model,
                new PruningOptions { Thresholds = saved with { FatRelu = new() { ["/Relu"] = bad } } }, SweepData.Calibration));
            Assert.Contains("FATReLU tau of '/Relu' must be finite and >= 0", invalid.Message);
        }

        Assert.Contains("magnitude sparsity 0.3, not 0.4", sparsity.Message);
        Assert.Contains("FATReLU taus", tau.Message);
        Assert.Contains("'/no_such_relu' is not a Relu", node.Message);
    }

    [TestMethod]
    public void Plain_thresholds_record_no_baseline()
    {
        ThresholdSet plain = PrunedModel.Create(SweepData.Model, new PruningOptions { Percentile = 50 }, SweepData.Calibration).Thresholds;

        Assert.IsNull(plain.MagnitudeSparsity);
        Assert.IsNull(plain.FatRelu);
        Assert.DoesNotContain("fat_relu", plain.ToJson());
    }
}
