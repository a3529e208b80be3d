using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Targets;

namespace UnIT.ML.Pruning;

/// <summary>
/// Calibrates UnIT thresholds on held-out data, as method.md defines: for each prunable layer
/// (or each output channel/neuron, group-wise), the rank value is the exact nearest-rank p-th
/// percentile v[r] of |x * w| over all MACs with both operands nonzero, with layer inputs from the
/// dense forward pass, r = max(0, ceil(p/100 * n) - 1) computed in exact decimal arithmetic.
/// The stored threshold T is the midpoint between v[r] and the next larger distinct product, so that
/// no calibration product sits on T and the skip decision of a tie does not hinge on the last bit of
/// a division or of the input normalization; on the calibration data T skips exactly the MACs that
/// v[r] with "ties are skipped" would. p = 0 gives T = 0 (no threshold skipping).
/// </summary>
/// <remarks>
/// The rank is found without storing the products, by a radix selection over the IEEE-754 bit pattern
/// (which orders non-negative floats): each pass over the calibration data histograms one digit of the
/// products whose higher digits match the prefix found so far. Layer-wise (and group-wise with few
/// groups) the digits are 15 + 16 bits, two passes; with many groups 11 + 10 + 10 bits, three passes,
/// so memory stays at 16 KiB per group instead of 256 KiB. The last pass also finds the next larger
/// distinct product. The first pass records every value's range, from which the fixed-point Q formats
/// are chosen. Non-finite values in the calibration data are refused: a number is required there.
/// </remarks>
public static class Calibrator
{
    /// <summary>Histogram memory below which group-wise calibration keeps the two-pass radix digits.</summary>
    private const long TwoPassBudgetBytes = 64L << 20;

    private static readonly int[] TwoPassDigits = [15, 16];
    private static readonly int[] ThreePassDigits = [11, 10, 10];

    /// <summary>
    /// Calibrates thresholds and the Q formats. <paramref name="batches"/> is enumerated two or three times,
    /// so it must be re-enumerable (a list, or a query that re-reads its source) with the same samples.
    /// </summary>
    /// <exception cref="ArgumentException">When the data is empty, holds NaN or infinity, a product overflows float32, or a layer percentile names no prunable layer.</exception>
    public static ThresholdSet Calibrate(ModelGraph graph, IEnumerable<Tensor> batches, CalibrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(graph);
        CheckFiniteWeights(graph);
        QuantizationPlan? plan = options.FixedPoint;
        // The engine checks a fixed-point plan against the graph when it is built.
        InferenceEngine engine = DenseEngine(graph, options);
        int[] digits = DigitsFor(graph, options.GroupWise);
        var selection = new Dictionary<string, RankSelection[]>(StringComparer.Ordinal);
        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            double p = options.LayerPercentiles?.GetValueOrDefault(layer.Name, options.Percentile) ?? options.Percentile;
            int groups = options.GroupWise ? layer.OutputChannels : 1;
            selection[layer.Name] = Enumerable.Range(0, groups).Select(_ => new RankSelection(p, digits)).ToArray();
        }
        // Value ranges choose the Q formats; with a given plan they are not needed (and fixed point has no NaN to find).
        RangeObserver? ranges = plan is null ? new RangeObserver(graph) : null;
        int samples = 0;
        for (int pass = 0; pass < digits.Length; pass++)
        {
            var observer = new SelectionPass(graph, selection, options.GroupWise, pass == 0 ? ranges : null, plan);
            foreach (Tensor batch in batches)
            {
                engine.RunObserved(batch, observer);
                samples += pass == 0 ? batch.Shape[0] : 0;
            }
            if (samples == 0)
            {
                throw new ArgumentException("Calibration needs at least one sample; the calibration data is empty.", nameof(batches));
            }
            foreach (RankSelection s in selection.Values.SelectMany(v => v))
            {
                s.EndPass();
            }
            if (selection.Values.All(v => v.All(s => s.Done)))
            {
                break;
            }
        }
        Dictionary<string, float[]> thresholds = new(StringComparer.Ordinal), rankValues = new(StringComparer.Ordinal);
        Dictionary<string, int[]>? quantized = plan is null ? null : new(StringComparer.Ordinal);
        foreach ((string name, RankSelection[] groups) in selection)
        {
            if (plan is null)
            {
                rankValues[name] = groups.Select(g => g.RankKey is uint k ? BitConverter.UInt32BitsToSingle(k) : 0f).ToArray();
                thresholds[name] = groups.Select(g => g.RankKey is uint k
                    ? ThresholdBetween(BitConverter.UInt32BitsToSingle(k), g.NextKey is uint n ? BitConverter.UInt32BitsToSingle(n) : null)
                    : 0f).ToArray();
                continue;
            }
            // Integer products: |x_q w_q| <= T_q is skipped, so T_q = v[r] exactly; the float figures are for the record.
            int productBits = plan.ValueBits(graph.Layer(name).Input) + plan.WeightBits(name);
            quantized![name] = groups.Select(g => (int)(g.RankKey ?? 0)).ToArray();
            rankValues[name] = thresholds[name] = quantized[name].Select(t => FixedPointMath.Dequantize(t, productBits)).ToArray();
        }
        return new ThresholdSet
        {
            Method = "percentile",
            Percentile = options.Percentile,
            GroupWise = options.GroupWise,
            CalibrationSamples = samples,
            Model = graph.Name,
            Layers = thresholds,
            RankValues = rankValues,
            QuantizedLayers = quantized,
            Quantization = plan ?? ranges!.QuantizationIfAny(graph),
        };
    }

    /// <summary>
    /// One dense pass that keeps what calibration learns (product counts and each prunable layer's input), so that
    /// thresholds for any percentile, per layer or per group, come from <see cref="ProductHistogram"/> without
    /// another dense pass, equal to what <see cref="Calibrate"/> gives. <see cref="CalibrationOptions.Percentile"/>
    /// and <see cref="CalibrationOptions.LayerPercentiles"/> are not used; the batches are enumerated once.
    /// </summary>
    /// <exception cref="ArgumentException">When the data is empty, holds NaN or infinity, or a product overflows float32.</exception>
    public static ProductHistogram CalibrateHistogram(ModelGraph graph, IEnumerable<Tensor> batches, CalibrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(options);
        CheckFiniteWeights(graph);
        QuantizationPlan? plan = options.FixedPoint;
        InferenceEngine engine = DenseEngine(graph, options);
        var capture = new InputCapture(graph, plan is null ? new RangeObserver(graph) : null, plan);
        int samples = 0;
        foreach (Tensor batch in batches)
        {
            engine.RunObserved(batch, capture);
            samples += batch.Shape[0];
        }
        if (samples == 0)
        {
            throw new ArgumentException("Calibration needs at least one sample; the calibration data is empty.", nameof(batches));
        }
        return new ProductHistogram(graph, options.GroupWise, samples, plan, plan ?? capture.Ranges!.QuantizationIfAny(graph),
            LayerWeights(graph, plan), capture.Inputs(samples));
    }

    /// <summary>Only the fixed-point Q formats (one dense pass), e.g. for explicitly given thresholds.</summary>
    /// <exception cref="ArgumentException">When the data is empty or holds NaN or infinity.</exception>
    public static QuantizationPlan CalibrateQuantization(ModelGraph graph, IEnumerable<Tensor> batches)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(batches);
        CheckFiniteWeights(graph);
        var engine = new InferenceEngine(graph);
        var ranges = new RangeObserver(graph);
        foreach (Tensor batch in batches)
        {
            engine.RunObserved(batch, ranges);
        }
        if (ranges.Samples == 0)
        {
            throw new ArgumentException("Choosing fixed-point Q formats needs at least one calibration sample; the data is empty.", nameof(batches));
        }
        return ranges.Quantization(graph);
    }

    /// <summary>
    /// Nearest-rank index of percentile p among n values, max(0, ceil(p/100 * n) - 1), in exact decimal
    /// arithmetic: p as written in decimal (7 means 7, not 7.000000000000001 after a binary division).
    /// </summary>
    internal static long NearestRank(double p, long n)
    {
        decimal scaled = (decimal)p * n / 100m;
        return Math.Max(0, (long)Math.Ceiling(scaled) - 1);
    }

    /// <summary>The threshold for rank value <paramref name="rankValue"/>: midway to the next larger product, or 1.5x it when there is none.</summary>
    internal static float ThresholdBetween(float rankValue, float? next)
    {
        double upper = next ?? 2.0 * rankValue;
        var t = (float)((rankValue + upper) / 2);
        // Adjacent floats have no float between them; then T stays on the rank value (ties are skipped).
        return t > rankValue && (next is null || t < next) ? t : rankValue;
    }

    /// <summary>The dense engine calibration observes: FATReLU applied, in int16 fixed point when a plan is given (the engine checks the plan).</summary>
    private static InferenceEngine DenseEngine(ModelGraph graph, CalibrationOptions options) =>
        new(graph, options.FixedPoint is not { } plan
            ? new PruningConfiguration { FatReluThresholds = options.FatReluThresholds }
            : new PruningConfiguration { FatReluThresholds = options.FatReluThresholds, Numerics = NumericFormat.FixedPoint16, Quantization = plan });

    /// <summary>Each prunable layer's weights as the products use them: as they are, or as int16 values in the plan's Q formats.</summary>
    private static Dictionary<string, float[]> LayerWeights(ModelGraph graph, QuantizationPlan? plan) =>
        graph.PrunableLayers.ToDictionary(l => l.Name,
            l => plan is null ? l.Weight.Data : QuantizedValues(l.Weight.Data, plan.WeightBits(l.Name)), StringComparer.Ordinal);

    /// <summary>The int16 values of <paramref name="values"/> in Q(<paramref name="bits"/>), held as integer-valued floats.</summary>
    private static float[] QuantizedValues(float[] values, int bits) => Array.ConvertAll(values, v => (float)FixedPointMath.Quantize(v, bits));

    private static int[] DigitsFor(ModelGraph graph, bool groupWise)
    {
        long groups = groupWise ? graph.PrunableLayers.Sum(l => (long)l.OutputChannels) : graph.PrunableLayers.Count;
        long twoPassBytes = groups * (1L << TwoPassDigits.Max()) * sizeof(long);
        return twoPassBytes <= TwoPassBudgetBytes ? TwoPassDigits : ThreePassDigits;
    }

    private static void CheckFiniteWeights(ModelGraph graph)
    {
        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            int bad = Array.FindIndex(layer.Weight.Data, v => !float.IsFinite(v));
            if (bad >= 0)
            {
                throw new ArgumentException(
                    $"Layer '{layer.Name}' ({layer.OpName}) has a non-finite weight ({layer.Weight.Data[bad]}) at index {bad}; thresholds cannot be calibrated on it.");
            }
        }
    }

    /// <summary>Records every value's largest magnitude (for Q formats) and refuses NaN and infinity in the dense pass.</summary>
    private sealed class RangeObserver(ModelGraph graph) : IEngineObserver
    {
        private readonly Dictionary<string, float> _maxAbs = new(StringComparer.Ordinal);

        /// <summary>Samples seen so far (the graph input is the first value of each sample).</summary>
        public int Samples { get; private set; }

        public void OnLayerInput(PrunableNode layer, float[] input, Shape shape)
        {
        }

        public void OnValue(string name, float[] data)
        {
            if (name == graph.Input.Name)
            {
                Samples++;
            }
            float m = _maxAbs.GetValueOrDefault(name);
            for (int i = 0; i < data.Length; i++)
            {
                float v = data[i];
                if (!float.IsFinite(v))
                {
                    throw new ArgumentException(name == graph.Input.Name
                        ? $"Calibration sample {Samples - 1} holds {v} at element {i} of input '{name}'; calibration needs finite numbers."
                        : $"Calibration sample {Samples - 1}: the dense forward pass produced {v} in value '{name}' (element {i}); calibration needs finite numbers.");
                }
                m = Math.Max(m, Math.Abs(v));
            }
            _maxAbs[name] = m;
        }

        /// <summary>The Q formats for these ranges.</summary>
        /// <exception cref="ArgumentException">When a value exceeds the coarsest int16 format, or a layer's accumulator cannot hold its outputs in any Q format; names it.</exception>
        public QuantizationPlan Quantization(ModelGraph g)
        {
            (QuantizationPlan? plan, string? problem) = Plan(g);
            return plan ?? throw new ArgumentException(problem);
        }

        /// <summary>
        /// The Q formats a float calibration records (so its thresholds can later run in fixed point), or null when the
        /// model's ranges allow none: a float model need not fit int16.
        /// </summary>
        public QuantizationPlan? QuantizationIfAny(ModelGraph g) => Plan(g).Plan;

        private (QuantizationPlan? Plan, string? Problem) Plan(ModelGraph g)
        {
            var plan = new QuantizationPlan();
            double widest = Math.ScaleB((double)short.MaxValue, -FixedPointMath.MinFractionBits);
            foreach ((string name, float max) in _maxAbs)
            {
                if (max > widest)
                {
                    // The coarsest format would saturate it: a plausible wrong number.
                    return (null, $"Value '{name}' reaches {max:G4} in calibration, more than int16 holds in the coarsest Q format ({FixedPointMath.MinFractionBits} fractional bits: ±{widest:N0}).");
                }
                plan.Values[name] = FixedPointMath.FractionBitsFor(max);
            }
            Dictionary<string, List<string>> grids = QuantizationPlan.SharedGrids(g);
            foreach (List<string> grid in grids.Values.Distinct())
            {
                foreach (string value in grid.Skip(1))
                {
                    plan.Values[value] = plan.Values[grid[0]];
                }
            }
            foreach (PrunableNode layer in g.PrunableLayers)
            {
                plan.Weights[layer.Name] = FixedPointMath.FractionBitsFor(layer.Weight.Data.Max(Math.Abs));
            }
            string? problem = AccumulatorHeadroom.Reserve(g, plan, _maxAbs, grids);
            return problem is null ? (plan, null) : (null, problem);
        }
    }

    /// <summary>
    /// One pass of the radix selection over every layer's products (plus the range observer on the first pass).
    /// With a fixed-point plan the products are the exact integer products of the quantized operands.
    /// </summary>
    private sealed class SelectionPass : IEngineObserver
    {
        private readonly Dictionary<string, RankSelection[]> _selection;
        private readonly bool _groupWise;
        private readonly RangeObserver? _ranges;
        private readonly QuantizationPlan? _plan;
        private readonly Dictionary<string, float[]> _weights;

        public SelectionPass(ModelGraph graph, Dictionary<string, RankSelection[]> selection, bool groupWise, RangeObserver? ranges, QuantizationPlan? plan)
        {
            _selection = selection;
            _groupWise = groupWise;
            _ranges = ranges;
            _plan = plan;
            _weights = LayerWeights(graph, plan);
        }

        public void OnLayerInput(PrunableNode layer, float[] input, Shape shape)
        {
            RankSelection[] groups = _selection[layer.Name];
            if (groups.All(g => g.Done))
            {
                return;
            }
            var v = new SelectionVisitor(groups, _groupWise, layer);
            if (_plan is null)
            {
                MacEnumerator.Visit<SelectionVisitor, FloatProduct>(layer, _weights[layer.Name], input, shape, ref v);
            }
            else
            {
                float[] x = QuantizedValues(input, _plan.ValueBits(layer.Input));
                MacEnumerator.Visit<SelectionVisitor, IntegerProduct>(layer, _weights[layer.Name], x, shape, ref v);
            }
        }

        public void OnValue(string name, float[] data) => _ranges?.OnValue(name, data);
    }

    /// <summary>
    /// Keeps every prunable layer's input of the dense pass (as int16 values in the plan's Q format for fixed
    /// point, as the products use them), sample after sample, plus the value ranges when no plan is given.
    /// </summary>
    private sealed class InputCapture(ModelGraph graph, RangeObserver? ranges, QuantizationPlan? plan) : IEngineObserver
    {
        private readonly Dictionary<string, (List<float> Data, Shape Shape)> _inputs = new(StringComparer.Ordinal);

        public RangeObserver? Ranges => ranges;

        public void OnLayerInput(PrunableNode layer, float[] input, Shape shape)
        {
            if (!_inputs.TryGetValue(layer.Name, out var kept))
            {
                _inputs[layer.Name] = kept = (new List<float>(), shape);
            }
            kept.Data.AddRange(plan is null ? input : QuantizedValues(input, plan.ValueBits(layer.Input)));
        }

        public void OnValue(string name, float[] data) => ranges?.OnValue(name, data);

        /// <summary>Each layer's inputs as one batch of <paramref name="samples"/>.</summary>
        public Dictionary<string, Tensor> Inputs(int samples) => graph.PrunableLayers.ToDictionary(l => l.Name, l =>
        {
            (List<float> data, Shape shape) = _inputs[l.Name];
            return new Tensor(shape.WithBatch(samples), data.ToArray());
        }, StringComparer.Ordinal);
    }

    private readonly struct SelectionVisitor(RankSelection[] groups, bool groupWise, PrunableNode layer) : IMacVisitor
    {
        public void Visit(int group, int weight, float x, uint key)
        {
            if (key >= PositiveInfinityBits)
            {
                throw new ArgumentException(
                    $"Layer '{layer.Name}' ({layer.OpName}): a product |x*w| overflows float32 on the calibration data; calibration needs finite numbers.");
            }
            groups[groupWise ? group : 0].Add(key);
        }
    }

    private const uint PositiveInfinityBits = 0x7F800000;

    /// <summary>
    /// Radix selection of the nearest-rank value of one group's products, digit by digit from the top of
    /// the 31 magnitude bits, and of the next larger distinct product.
    /// </summary>
    private sealed class RankSelection
    {
        private const int MagnitudeBits = 31;
        private readonly double _percentile;
        private readonly int[] _digits;
        private int _pass;
        private long _count;
        private long _rankInPrefix;
        private uint _prefix;
        private int _prefixBits;
        private long[] _histogram;
        private uint _nextAbove = uint.MaxValue;

        public RankSelection(double percentile, int[] digits)
        {
            _percentile = percentile;
            _digits = digits;
            _histogram = new long[1 << digits[0]];
            Done = percentile == 0;
        }

        /// <summary>True when nothing more is needed from the data (p = 0, no products, or all passes ended).</summary>
        public bool Done { get; private set; }

        /// <summary>The key of the nearest-rank product, or null when there is none to skip (p = 0, or no nonzero MAC).</summary>
        public uint? RankKey { get; private set; }

        /// <summary>The key of the next larger distinct product, or null when the rank value is the largest.</summary>
        public uint? NextKey { get; private set; }

        public void Add(uint bits)
        {
            if (Done)
            {
                return;
            }
            int shift = MagnitudeBits - _prefixBits - _digits[_pass];
            if (_prefixBits == 0 || bits >> (MagnitudeBits - _prefixBits) == _prefix)
            {
                _histogram[(bits >> shift) & (uint)(_histogram.Length - 1)]++;
            }
            else if (_pass == _digits.Length - 1 && bits >> (MagnitudeBits - _prefixBits) > _prefix)
            {
                _nextAbove = Math.Min(_nextAbove, bits);
            }
        }

        public void EndPass()
        {
            if (Done)
            {
                return;
            }
            if (_pass == 0)
            {
                _count = _histogram.Sum();
                if (_count == 0)
                {
                    // No nonzero MAC was seen: nothing to skip by threshold.
                    Done = true;
                    return;
                }
                _rankInPrefix = NearestRank(_percentile, _count);
            }
            int bucket = 0;
            long seen = 0;
            while (seen + _histogram[bucket] <= _rankInPrefix)
            {
                seen += _histogram[bucket++];
                if (bucket == _histogram.Length)
                {
                    throw new ArgumentException("The calibration data changed between passes; it must be re-enumerable with the same samples.");
                }
            }
            _rankInPrefix -= seen;
            _prefix = (_prefix << _digits[_pass]) | (uint)bucket;
            _prefixBits += _digits[_pass];
            if (++_pass < _digits.Length)
            {
                _histogram = new long[1 << _digits[_pass]];
                return;
            }
            int nextBucket = Array.FindIndex(_histogram, bucket + 1, c => c > 0);
            NextKey = nextBucket >= 0 ? (_prefix & ~(uint)(_histogram.Length - 1)) | (uint)nextBucket
                : _nextAbove != uint.MaxValue ? _nextAbove : null;
            RankKey = _prefix;
            _histogram = [];
            Done = true;
        }
    }
}
