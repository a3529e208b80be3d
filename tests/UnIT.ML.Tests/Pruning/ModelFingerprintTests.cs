using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.Sweeps;

namespace UnIT.ML.Tests.Pruning;

/// <summary>Thresholds record the weights they were calibrated on, and are refused on other weights under the same layer names.</summary>
[TestClass]
public sealed class ModelFingerprintTests
{
    /// <summary>The shipped model with one weight of its first layer nudged: same architecture and layer names, other weights.</summary>
    private static ModelGraph Retrained()
    {
        PrunableNode first = SweepData.Model.PrunableLayers[0];
        float[] weights = (float[])first.Weight.Data.Clone();
        weights[0] += 0.01f;
        return SweepData.Model.WithLayers([first.WithWeight(new Tensor(first.Weight.Shape, weights))]);
    }

    [TestMethod]
    public void A_saved_set_runs_on_its_own_model_and_is_refused_on_other_weights_with_the_same_layer_names()
    {
        // Made on a baseline and corrected, as a search saves them: the fingerprint is the model's as given, before pruning.
        PrunedModel made = PrunedModel.Create(SweepData.Model,
            new PruningOptions { Percentile = 50, MagnitudeSparsity = 0.3, BiasCorrection = true }, SweepData.Calibration);
        ThresholdSet loaded = ThresholdSet.FromJson(made.Thresholds.ToJson());
        ModelGraph retrained = Retrained();

        PrunedModel again = PrunedModel.Create(SweepData.Model, new PruningOptions { Thresholds = loaded }, SweepData.Calibration);
        var refused = Assert.ThrowsExactly<ArgumentException>(() =>
            PrunedModel.Create(retrained, new PruningOptions { Thresholds = loaded }, SweepData.Calibration));

        Assert.AreEqual(SweepData.Model.WeightsFingerprint, loaded.ModelFingerprint);
        Assert.AreNotEqual(SweepData.Model.WeightsFingerprint, retrained.WeightsFingerprint);
        CollectionAssert.AreEqual(made.Engine.Run(SweepData.Images).Data, again.Engine.Run(SweepData.Images).Data);
        Assert.Contains($"made for model '{SweepData.Model.Name}' (weights fingerprint {loaded.ModelFingerprint})", refused.Message);
        Assert.Contains($"not for model '{retrained.Name}' (weights fingerprint {retrained.WeightsFingerprint})", refused.Message);
    }

    [TestMethod]
    public void A_set_without_a_fingerprint_runs_on_any_model_that_fits_and_is_stamped_with_it()
    {
        ThresholdSet handWritten = new()
        {
            Layers = SweepData.Model.PrunableLayers.ToDictionary(l => l.Name, _ => new[] { 0.01f }, StringComparer.Ordinal),
        };
        ModelGraph retrained = Retrained();

        PrunedModel model = PrunedModel.Create(retrained, new PruningOptions { Thresholds = handWritten }, null);

        Assert.AreEqual(retrained.WeightsFingerprint, model.Thresholds.ModelFingerprint);
        Assert.AreEqual(retrained.Name, model.Thresholds.Model);
    }

    [TestMethod]
    public void The_fingerprint_changes_with_a_bias_and_not_with_a_rebuilt_graph()
    {
        ModelGraph again = SweepData.Model.WithLayers(SweepData.Model.PrunableLayers);
        PrunableNode last = SweepData.Model.PrunableLayers[^1];
        ModelGraph otherBias = SweepData.Model.WithLayers([last.WithBias(last.Bias!.Select(b => b + 1f).ToArray())]);

        Assert.AreEqual(SweepData.Model.WeightsFingerprint, again.WeightsFingerprint);
        Assert.AreNotEqual(SweepData.Model.WeightsFingerprint, otherBias.WeightsFingerprint);
        Assert.AreEqual(32, SweepData.Model.WeightsFingerprint.Length);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("F1B5030ECAD69CD2E2ACE905AC120A17")]
    [DataRow("f1b5030e")]
    public void A_malformed_fingerprint_in_a_file_is_refused_when_loaded(string fingerprint)
    {
        string json = new ThresholdSet { Layers = new() { ["fc"] = [0.1f] }, ModelFingerprint = fingerprint }.ToJson();

        var e = Assert.ThrowsExactly<FormatException>(() => ThresholdSet.FromJson(json, "t.json"));

        Assert.Contains($"t.json has \"model_fingerprint\" '{fingerprint}'; it must be 32 lowercase hex digits", e.Message);
    }
}
