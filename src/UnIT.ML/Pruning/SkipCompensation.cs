using UnIT.ML.Division;
using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Targets;

namespace UnIT.ML.Pruning;

/// <summary>
/// Skip compensation (opt-in): a MAC the threshold skips still costs no multiply, but instead of
/// nothing it adds a constant calibrated for its weight, <c>w · E[x | the rule skips x at w]</c>, one constant for a
/// positive activation and one for a negative one. A skipped activation lies between 0 and about <c>T/|w|</c>, so its
/// product is far from zero on average (after a ReLU it always has the weight's sign); the constant takes back that
/// mean, which leaves each skip an error of zero mean, and a MAC whose activation is exactly 0 adds nothing, as before.
/// The cost is one add, one sign test and one read per MAC skipped by threshold (<see cref="LayerStatistics.Compensations"/>);
/// the skip rule, the thresholds and the MAC counts are unchanged. On fixed-point profiles the means are taken over the int16
/// activations the device sees, with its integer skip rule, and the constants are added in the product's Q format
/// (<see cref="FixedPointCompensation"/>).
/// </summary>
public static class SkipCompensation
{
    /// <summary>
    /// Per prunable layer, the constants of <see cref="ThresholdSet.SkipCompensations"/> measured on
    /// <paramref name="calibration"/> with <paramref name="model"/>'s thresholds, division, numerics, baselines and bias
    /// corrections (its own compensations, if any, are ignored): for each weight, w times the mean of the activations its
    /// rule skipped, over positive activations, then over negative ones; 0 where it skipped none. One pass of the
    /// calibration data.
    /// </summary>
    /// <exception cref="ArgumentException">With no calibration samples.</exception>
    public static Dictionary<string, float[]> Compute(PrunedModel model, IEnumerable<Tensor> calibration)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibration);
        Tensor[] batches = calibration.ToArray();
        if (batches.Sum(b => b.Shape[0]) == 0)
        {
            throw new ArgumentException("Skip compensation needs at least one calibration sample.", nameof(calibration));
        }
        PrunedModel plain = model.Thresholds.SkipCompensations is null ? model : model.WithThresholds(model.Thresholds with { SkipCompensations = null });
        QuantizationPlan? plan = plain.Profile.Numerics == NumericFormat.FixedPoint16 ? plain.Thresholds.Quantization : null;
        // A dense-loop layer skips nothing by threshold, so it gets no constants.
        Dictionary<string, LayerRule> rules = plain.Graph.PrunableLayers.Where(l => !plain.Thresholds.RunsDenseLoop(l.Name))
            .ToDictionary(l => l.Name, l => new LayerRule(l, plain.Thresholds, plain.Division, plan));
        var observers = batches.Select(_ => new SkippedActivations(rules)).ToArray();
        Parallel.For(0, batches.Length, b => plain.Engine.RunObserved(batches[b], observers[b]));
        if (observers.Select(o => o.NonFiniteLayer).FirstOrDefault(n => n is not null) is { } layer)
        {
            throw new ArgumentException($"The calibration data reaching layer '{layer}' holds NaN or infinity; skip compensation needs finite numbers.",
                nameof(calibration));
        }
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach ((string name, LayerRule rule) in rules)
        {
            float[] w = rule.Weights;
            float[] constants = new float[2 * w.Length];
            for (int i = 0; i < constants.Length; i++)
            {
                double sum = observers.Sum(o => o.Sums[name][i]);
                long count = observers.Sum(o => o.Counts[name][i]);
                // Fixed point: w_q * mean(x_q) is in the product's Q format; the set keeps its real value.
                constants[i] = count == 0 ? 0f : (float)(w[i % w.Length] * (sum / count) * rule.Scale);
            }
            result[name] = constants;
        }
        ThresholdSet.CheckMeasured(result, "skip compensation");
        return result;
    }

    /// <summary>
    /// A layer's skip rule as its executor applies it, on float values or on int16 ones held as floats: a convolution runs
    /// a MAC when <c>|x| &gt; t(T, |w|)</c> (<see cref="ConvSkipSums"/>), a fully connected layer when <c>|w| &gt; t(T, |x|)</c>,
    /// with the same division.
    /// </summary>
    private sealed class LayerRule
    {
        private readonly float[] _thresholds;
        private readonly int[] _quantizedThresholds;
        private readonly IDivisionApproximator _division;

        public LayerRule(PrunableNode layer, ThresholdSet thresholds, IDivisionApproximator division, QuantizationPlan? plan)
        {
            Layer = layer;
            _division = division;
            _thresholds = thresholds.For(layer.Name) ?? [0f];
            var ops = default(DivisionOps);
            if (plan is null)
            {
                Weights = layer.Weight.Data;
                _quantizedThresholds = [];
                Scale = 1;
                Conv = layer is ConvNode floatConv ? new ConvSkipSums(floatConv, Weights, FloatConvExecutor.WeightThresholds(layer, _thresholds, division, ref ops)) : null;
                return;
            }
            InputBits = plan.ValueBits(layer.Input);
            int weightBits = plan.WeightBits(layer.Name);
            short[] weights = layer.Weight.Data.Select(w => FixedPointMath.Quantize(w, weightBits)).ToArray();
            Weights = Array.ConvertAll(weights, w => (float)w);
            _quantizedThresholds = LayerExecutor.QuantizedThresholdsOf(layer, thresholds, InputBits.Value + weightBits);
            Scale = Math.ScaleB(1.0, -(InputBits.Value + weightBits));
            // As floats: an integer threshold past 2^24 rounds but stays above every int16 |x|.
            Conv = layer is ConvNode conv
                ? new ConvSkipSums(conv, Weights, Array.ConvertAll(
                    FixedPointConvExecutor.WeightThresholds(weights, layer.OutputChannels, _quantizedThresholds, division, ref ops), t => (float)t))
                : null;
        }

        public PrunableNode Layer { get; }

        /// <summary>The weights the rule compares: float, or the int16 values of fixed point.</summary>
        public float[] Weights { get; }

        /// <summary>Fixed point: the Q format of the layer's input, in which activations are compared; null for float.</summary>
        public int? InputBits { get; }

        /// <summary>What one unit of w * x is worth: 1 for float, 2^-(product bits) for fixed point.</summary>
        public double Scale { get; }

        /// <summary>A convolution's rule, whose thresholds depend on the weight only; null for a fully connected layer.</summary>
        public ConvSkipSums? Conv { get; }

        /// <summary>Whether the thresholds are per output neuron.</summary>
        public bool PerGroup => _thresholds.Length > 1;

        /// <summary>A fully connected layer's t(T, |x|) for output neuron <paramref name="group"/>: the weight runs where |w| &gt; t.</summary>
        public double Threshold(int group, float magnitude)
        {
            var ops = default(DivisionOps);
            int g = PerGroup ? group : 0;
            return InputBits is null
                ? _division.Threshold(_thresholds[g], magnitude, ref ops)
                : _division.Threshold(_quantizedThresholds[g], (int)magnitude, ref ops);
        }
    }

    /// <summary>Sums, per weight and activation sign, the activations the skip rule passes over, as each prunable layer's input arrives.</summary>
    private sealed class SkippedActivations : IEngineObserver
    {
        private readonly Dictionary<string, LayerRule> _rules;

        public SkippedActivations(Dictionary<string, LayerRule> rules)
        {
            _rules = rules;
            foreach ((string name, LayerRule rule) in rules)
            {
                Sums[name] = new double[2 * rule.Weights.Length];
                Counts[name] = new long[2 * rule.Weights.Length];
            }
        }

        public Dictionary<string, double[]> Sums { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, long[]> Counts { get; } = new(StringComparer.Ordinal);

        /// <summary>The first layer whose input held NaN or infinity (the engine runs such input unpruned), or null.</summary>
        public string? NonFiniteLayer { get; private set; }

        public void OnLayerInput(PrunableNode layer, float[] input, Shape shape)
        {
            if (!float.IsFinite(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(input)))
            {
                NonFiniteLayer ??= layer.Name;
                return;
            }
            if (!_rules.TryGetValue(layer.Name, out LayerRule? rule))
            {
                return;
            }
            float[] x = rule.InputBits is int bits ? Array.ConvertAll(input, v => (float)FixedPointMath.Quantize(v, bits)) : input;
            if (rule.Conv is { } conv)
            {
                conv.Add(x, shape, Sums[layer.Name], Counts[layer.Name]);
            }
            else
            {
                AddFullyConnected(rule, x, Sums[layer.Name], Counts[layer.Name]);
            }
        }

        public void OnValue(string name, float[] data)
        {
        }

        /// <summary>Adds each nonzero MAC the rule skips to its weight's sum and count for the activation's sign.</summary>
        private static void AddFullyConnected(LayerRule rule, float[] x, double[] sums, long[] counts)
        {
            float[] w = rule.Weights;
            var fc = (FullyConnectedNode)rule.Layer;
            int k = fc.InputFeatures, n = fc.OutputChannels;
            for (int r = 0; r < x.Length / k; r++)
            {
                for (int i = 0; i < k; i++)
                {
                    float v = x[r * k + i];
                    if (v == 0f)
                    {
                        continue;
                    }
                    float magnitude = MathF.Abs(v);
                    // A layer-wide threshold depends on x only: one division for the whole column.
                    double shared = rule.PerGroup ? 0 : rule.Threshold(0, magnitude);
                    int slotBase = v > 0f ? 0 : w.Length;
                    for (int j = 0; j < n; j++)
                    {
                        int weight = j * k + i;
                        if (w[weight] != 0f && !(Math.Abs(w[weight]) > (rule.PerGroup ? rule.Threshold(j, magnitude) : shared)))
                        {
                            sums[slotBase + weight] += v;
                            counts[slotBase + weight]++;
                        }
                    }
                }
            }
        }
    }
}
