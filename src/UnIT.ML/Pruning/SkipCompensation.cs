using UnIT.ML.Division;
using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Targets;

namespace UnIT.ML.Pruning;

/// <summary>
/// Skip compensation (float profiles, opt-in): a MAC the threshold skips still costs no multiply, but instead of
/// nothing it adds a constant calibrated for its weight, <c>w · E[x | the rule skips x at w]</c>, one constant for a
/// positive activation and one for a negative one. A skipped activation lies between 0 and about <c>T/|w|</c>, so its
/// product is far from zero on average (after a ReLU it always has the weight's sign); the constant takes back that
/// mean, which leaves each skip an error of zero mean, and a MAC whose activation is exactly 0 adds nothing, as before.
/// The cost is one add, one sign test and one read per MAC skipped by threshold (<see cref="LayerStatistics.Compensations"/>);
/// the skip rule, the thresholds and the MAC counts are unchanged.
/// </summary>
public static class SkipCompensation
{
    /// <summary>
    /// Per prunable layer, the constants of <see cref="ThresholdSet.SkipCompensations"/> measured on
    /// <paramref name="calibration"/> with <paramref name="model"/>'s thresholds, division, baselines and bias corrections
    /// (its own compensations, if any, are ignored): for each weight, w times the mean of the activations its rule skipped,
    /// over positive activations, then over negative ones; 0 where it skipped none. One pass of the calibration data.
    /// </summary>
    /// <exception cref="ArgumentException">For a fixed-point profile, or with no calibration samples.</exception>
    public static Dictionary<string, float[]> Compute(PrunedModel model, IEnumerable<Tensor> calibration)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibration);
        if (model.Profile.Numerics != NumericFormat.Float32)
        {
            throw new ArgumentException($"Skip compensation runs on float profiles (float32, max78000) only, not on '{model.Profile.Name}'.", nameof(model));
        }
        Tensor[] batches = calibration.ToArray();
        if (batches.Sum(b => b.Shape[0]) == 0)
        {
            throw new ArgumentException("Skip compensation needs at least one calibration sample.", nameof(calibration));
        }
        PrunedModel plain = model.Thresholds.SkipCompensations is null ? model : model.WithThresholds(model.Thresholds with { SkipCompensations = null });
        var observers = batches.Select(_ => new SkippedActivations(plain)).ToArray();
        Parallel.For(0, batches.Length, b => plain.Engine.RunObserved(batches[b], observers[b]));
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (PrunableNode layer in plain.Graph.PrunableLayers)
        {
            float[] w = layer.Weight.Data;
            float[] constants = new float[2 * w.Length];
            for (int i = 0; i < constants.Length; i++)
            {
                double sum = observers.Sum(o => o.Sums[layer.Name][i]);
                long count = observers.Sum(o => o.Counts[layer.Name][i]);
                constants[i] = count == 0 ? 0f : (float)(w[i % w.Length] * (sum / count));
            }
            result[layer.Name] = constants;
        }
        return result;
    }

    /// <summary>Sums, per weight and activation sign, the activations the skip rule passes over, as each prunable layer's input arrives.</summary>
    private sealed class SkippedActivations : IEngineObserver
    {
        private readonly PrunedModel _model;

        public SkippedActivations(PrunedModel model)
        {
            _model = model;
            foreach (PrunableNode layer in model.Graph.PrunableLayers)
            {
                Sums[layer.Name] = new double[2 * layer.Weight.Data.Length];
                Counts[layer.Name] = new long[2 * layer.Weight.Data.Length];
            }
        }

        public Dictionary<string, double[]> Sums { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, long[]> Counts { get; } = new(StringComparer.Ordinal);

        public void OnLayerInput(PrunableNode layer, float[] input, Shape shape)
        {
            var visitor = new SkipVisitor(layer, _model.Thresholds.For(layer.Name) ?? [0f], _model.Division, Sums[layer.Name], Counts[layer.Name]);
            MacEnumerator.Visit<SkipVisitor, FloatProduct>(layer, layer.Weight.Data, input, shape, ref visitor);
        }

        public void OnValue(string name, float[] data)
        {
        }
    }

    /// <summary>
    /// Applies the engine's skip rule to each nonzero MAC: a convolution runs one when <c>|x| &gt; t(T, |w|)</c>, a
    /// fully connected layer when <c>|w| &gt; t(T, |x|)</c>, with the same division (so the same decisions).
    /// </summary>
    private readonly struct SkipVisitor : IMacVisitor
    {
        private readonly float[] _weights;
        private readonly float[] _thresholds;
        private readonly float[]? _weightThresholds;
        private readonly IDivisionApproximator _division;
        private readonly double[] _sums;
        private readonly long[] _counts;

        public SkipVisitor(PrunableNode layer, float[] thresholds, IDivisionApproximator division, double[] sums, long[] counts)
        {
            _weights = layer.Weight.Data;
            _thresholds = thresholds;
            _division = division;
            _sums = sums;
            _counts = counts;
            var ops = default(DivisionOps);
            _weightThresholds = layer is ConvNode ? FloatConvExecutor.WeightThresholds(layer, thresholds, division, ref ops) : null;
        }

        public void Visit(int group, int weight, float x, uint key)
        {
            bool runs;
            if (_weightThresholds is not null)
            {
                runs = MathF.Abs(x) > _weightThresholds[weight];
            }
            else
            {
                var ops = default(DivisionOps);
                runs = MathF.Abs(_weights[weight]) > _division.Threshold(_thresholds.Length == 1 ? _thresholds[0] : _thresholds[group], MathF.Abs(x), ref ops);
            }
            if (!runs)
            {
                int slot = x > 0f ? weight : _weights.Length + weight;
                _sums[slot] += x;
                _counts[slot]++;
            }
        }
    }
}
