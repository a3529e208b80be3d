using UnIT.ML.Engine;
using UnIT.ML.Graph;

namespace UnIT.ML.Pruning;

/// <summary>
/// Empirical bias correction for a pruned model: skipped MACs do not average to zero (after a ReLU the inputs
/// are positive, so a channel's small weights skip a sum with their sign), which shifts every output of a channel
/// the same way. The shift is measured on calibration data and added back to the bias, which costs nothing at
/// inference. Layers are corrected in graph order, each measured with the corrections before it in place, so a
/// correction also absorbs the shift the earlier layers pass on (and, on fixed-point profiles, the rounding bias).
/// </summary>
public static class BiasCorrection
{
    /// <summary>
    /// Passes stop once no channel's mean is off by more than this share of its layer's dense output RMS; at most one
    /// pass per prunable layer is ever needed (see <see cref="Compute"/>).
    /// </summary>
    public const double Tolerance = 1e-3;

    /// <summary>
    /// Per prunable layer, per output channel / neuron: the mean of the dense float model's layer output minus the
    /// mean of <paramref name="model"/>'s (run with its thresholds, division, numerics and baselines, and with the
    /// corrections of the layers before it in place), over the calibration samples and all positions.
    /// <paramref name="model"/>'s own corrections, if any, are ignored.
    /// </summary>
    /// <remarks>
    /// Every pass runs the calibration data once through the corrected model and adds each layer's remaining mean
    /// error to its correction (Jacobi steps on a system that is lower triangular in the layers: after pass k the
    /// first k layers are exact, so the loop ends after at most one pass per layer, usually after two or three, when
    /// every remaining error is within <see cref="Tolerance"/>). Plus one dense pass.
    /// </remarks>
    public static Dictionary<string, float[]> Compute(PrunedModel model, IEnumerable<Tensor> calibration)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibration);
        Tensor[] batches = calibration.ToArray();
        if (batches.Sum(b => b.Shape[0]) == 0)
        {
            throw new ArgumentException("Bias correction needs at least one calibration sample.", nameof(calibration));
        }
        IReadOnlyList<PrunableNode> layers = model.Graph.PrunableLayers;
        (double[][] dense, double[] rms) = LayerOutputStatistics.Measure(new InferenceEngine(model.OriginalGraph), layers, batches);
        double[][] corrections = layers.Select(l => new double[l.OutputChannels]).ToArray();
        PrunedModel current = model.Thresholds.BiasCorrections is null ? model : model.WithThresholds(model.Thresholds with { BiasCorrections = null });
        for (int pass = 0; pass < layers.Count; pass++)
        {
            double[][] pruned = LayerOutputStatistics.Measure(current.Engine, layers, batches).Means;
            double worst = 0;
            for (int l = 0; l < layers.Count; l++)
            {
                for (int c = 0; c < corrections[l].Length; c++)
                {
                    double error = dense[l][c] - pruned[l][c];
                    corrections[l][c] += error;
                    worst = Math.Max(worst, rms[l] > 0 ? Math.Abs(error) / rms[l] : Math.Abs(error));
                }
            }
            Dictionary<string, float[]> measured = AsFloats(layers, corrections);
            ThresholdSet.CheckMeasured(measured, "bias correction");
            current = model.WithThresholds(model.Thresholds with { BiasCorrections = measured });
            if (worst <= Tolerance)
            {
                break;
            }
        }
        return current.Thresholds.BiasCorrections!;
    }

    private static Dictionary<string, float[]> AsFloats(IReadOnlyList<PrunableNode> layers, double[][] corrections) =>
        layers.Select((l, i) => (l.Name, Values: corrections[i].Select(v => (float)v).ToArray()))
            .ToDictionary(p => p.Name, p => p.Values, StringComparer.Ordinal);
}
