using UnIT.ML.Graph;
using UnIT.ML.Kernels;

namespace UnIT.ML.Pruning;

/// <summary>
/// What one calibration pass learned, kept so that thresholds for any percentile (one for the model, one
/// per layer, or one per output channel / neuron) come without another dense forward pass, and equal bit for
/// bit what <see cref="Calibrator.Calibrate"/> gives for the same settings (same nearest-rank value, same
/// tie-proof midpoint, same integer thresholds for fixed point). Made by <see cref="Calibrator.CalibrateHistogram"/>
/// or <see cref="ForModel(ModelGraph, PruningOptions, IEnumerable{Tensor})"/>. Thread-safe.
/// </summary>
/// <remarks>
/// Holds, per group (the layer, or each output channel / neuron when group-wise), the counts of the nonzero
/// products |x*w| by their top 15 key bits (the IEEE-754 bits of a float product, or the exact integer product
/// of fixed-point operands; both order like the product) and the smallest key of each such bucket, plus the
/// dense pass's input to every prunable layer. A query finds its rank's bucket from the counts; the low 16 bits
/// of the bucket come from a scan of the kept layer inputs (products only, no forward pass), done once per
/// bucket and batched across every query that needs one. The next larger distinct product is the next nonzero
/// low count, or the smallest key of the next nonempty bucket. Memory: per group 384 KiB of counts and minima
/// plus 512 KiB per resolved bucket; the kept inputs take samples x (sum of layer input sizes) x 4 bytes.
/// </remarks>
public sealed class ProductHistogram
{
    private const int LowBits = 16;
    private const int Buckets = 1 << 15;
    private const uint PositiveInfinityBits = 0x7F800000;

    private readonly ModelGraph _graph;
    private readonly QuantizationPlan? _fixedPoint;
    private readonly Dictionary<string, float[]> _weights;
    private readonly Dictionary<string, Tensor> _inputs;
    private readonly Dictionary<string, Group[]> _groups = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    internal ProductHistogram(ModelGraph graph, bool groupWise, int samples, QuantizationPlan? fixedPoint, QuantizationPlan? quantization,
        Dictionary<string, float[]> weights, Dictionary<string, Tensor> inputs)
    {
        _graph = graph;
        GroupWise = groupWise;
        CalibrationSamples = samples;
        _fixedPoint = fixedPoint;
        Quantization = quantization;
        _weights = weights;
        _inputs = inputs;
        foreach (PrunableNode layer in graph.PrunableLayers)
        {
            _groups[layer.Name] = Enumerable.Range(0, groupWise ? layer.OutputChannels : 1).Select(_ => new Group()).ToArray();
        }
        Parallel.ForEach(graph.PrunableLayers, layer =>
        {
            var counter = new BucketCounter(_groups[layer.Name], groupWise, layer);
            Scan(layer, ref counter);
        });
        Scans = 1;
    }

    /// <summary>Whether the counts are per output channel / neuron (then thresholds are too).</summary>
    public bool GroupWise { get; }

    /// <summary>Calibration samples behind the counts.</summary>
    public int CalibrationSamples { get; }

    /// <summary>
    /// The Q formats recorded in every threshold set: the given plan for fixed point, else those chosen from the value ranges,
    /// or null when those ranges allow none.
    /// </summary>
    public QuantizationPlan? Quantization { get; }

    /// <summary>Whether the keys are exact integer products of fixed-point operands (thresholds then go in <see cref="ThresholdSet.QuantizedLayers"/>).</summary>
    public bool FixedPoint => _fixedPoint is not null;

    /// <summary>Scans over the kept layer inputs so far: the first count, plus one per batch of queries that needed new buckets.</summary>
    public int Scans { get; private set; }

    /// <summary>
    /// The thresholds a fresh <see cref="Calibrator.Calibrate"/> gives at <paramref name="percentile"/> (and
    /// <paramref name="layerPercentiles"/> overriding it per layer), with the same graph, data and options.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When a percentile is outside 0..100.</exception>
    /// <exception cref="ArgumentException">When a layer name is not a prunable layer of the model.</exception>
    public ThresholdSet ThresholdsFor(double percentile, IReadOnlyDictionary<string, double>? layerPercentiles = null)
    {
        new CalibrationOptions { Percentile = percentile, LayerPercentiles = layerPercentiles }.Validate();
        CalibrationOptions.CheckLayerNames(_graph, layerPercentiles?.Keys ?? []);
        return Build(layer => Enumerable.Repeat(layerPercentiles?.GetValueOrDefault(layer, percentile) ?? percentile, _groups[layer].Length).ToArray(),
            "percentile", percentile);
    }

    /// <summary>Thresholds at each of <paramref name="percentiles"/> (every layer at that percentile), with at most one scan for all of them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When a percentile is outside 0..100.</exception>
    public IReadOnlyList<ThresholdSet> ThresholdsFor(IEnumerable<double> percentiles)
    {
        ArgumentNullException.ThrowIfNull(percentiles);
        double[] all = percentiles.ToArray();
        foreach (double p in all)
        {
            new CalibrationOptions { Percentile = p }.Validate();
        }
        Resolve(all.SelectMany(p => _groups.Values.SelectMany(groups => groups.Select(g => (g, p)))));
        return all.Select(p => ThresholdsFor(p)).ToArray();
    }

    /// <summary>
    /// Thresholds with a percentile per group: for each layer, one percentile (all its groups) or one per
    /// output channel / neuron (group-wise counts only). Method "search", no single percentile recorded.
    /// </summary>
    /// <exception cref="ArgumentException">When a layer is missing or unknown, a count does not fit, or a percentile is outside 0..100.</exception>
    public ThresholdSet ThresholdsForGroups(IReadOnlyDictionary<string, double[]> percentiles)
    {
        CheckGroups(percentiles);
        return Build(layer => percentiles[layer].Length == 1 ? Enumerable.Repeat(percentiles[layer][0], _groups[layer].Length).ToArray() : percentiles[layer],
            "search", null);
    }

    /// <summary>Throws naming the layer when a per-group setting is missing, unknown, of the wrong count or outside 0..100.</summary>
    private void CheckGroups(IReadOnlyDictionary<string, double[]> percentiles)
    {
        ArgumentNullException.ThrowIfNull(percentiles);
        CalibrationOptions.CheckLayerNames(_graph, percentiles.Keys);
        foreach ((string layer, Group[] groups) in _groups)
        {
            if (!percentiles.TryGetValue(layer, out double[]? p) || p is null || (p.Length != 1 && p.Length != groups.Length))
            {
                throw new ArgumentException(groups.Length == 1 ? $"Layer '{layer}' needs 1 percentile (the counts are per layer)."
                    : $"Layer '{layer}' needs 1 or {groups.Length} percentiles (one per output channel / neuron).", nameof(percentiles));
            }
            foreach (double v in p)
            {
                new CalibrationOptions { Percentile = v, LayerPercentiles = new Dictionary<string, double> { [layer] = v } }.Validate();
            }
        }
    }

    /// <summary>
    /// Per-group percentiles that skip, in every layer, <paramref name="percentile"/> % of its nonzero calibration MACs
    /// in total (as one layer-wise percentile would), spread so that each output channel / neuron loses the same
    /// share of its own product mass (sum of |x*w|): groups made of many small products skip more, groups that rest
    /// on few large ones less (the paper's group-specific sensitivity). Group-wise counts only. The shares come from
    /// the bucket counts (each product taken at its bucket's middle, within 2^-8 of its value); pass the result to
    /// <see cref="ThresholdsForGroups(IReadOnlyDictionary{string, double[]})"/> for exact thresholds.
    /// </summary>
    /// <exception cref="InvalidOperationException">When the counts are per layer.</exception>
    public IReadOnlyDictionary<string, double[]> EqualErrorPercentiles(double percentile)
    {
        new CalibrationOptions { Percentile = percentile }.Validate();
        if (!GroupWise)
        {
            throw new InvalidOperationException("Equal-error group percentiles need group-wise counts; calibrate with GroupWise.");
        }
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach ((string layer, Group[] groups) in _groups)
        {
            MassCurve[] curves = groups.Select(g => g.Curve(FixedPoint)).ToArray();
            // The common parameter is the share of each group's mass that may go.
            result[layer] = percentile == 100 ? Enumerable.Repeat(100.0, groups.Length).ToArray()
                : Spread(curves, percentile, 0, 1, 60, (g, share) => curves[g].SkippedAt(share));
        }
        return result;
    }

    /// <summary>
    /// Per-group percentiles that skip, in every layer, <paramref name="percentile"/> % of its nonzero calibration MACs
    /// in total, with each output channel / neuron's threshold at T = sqrt(lambda / F) for its sensitivity F (one lambda
    /// per layer, found by bisection): a skipped product of size v costs about F v^2 (<see cref="ChannelSensitivity"/>), so
    /// this skips the products whose cost is smallest. A layer whose sensitivities are all zero takes the same percentile
    /// in every group. Group-wise counts only; shares come from the bucket counts (each product at its bucket's middle),
    /// to be passed to <see cref="ThresholdsForGroups(IReadOnlyDictionary{string, double[]})"/> for exact thresholds.
    /// </summary>
    /// <exception cref="InvalidOperationException">When the counts are per layer.</exception>
    /// <exception cref="ArgumentException">When a layer's sensitivities are missing, of the wrong count, negative or not finite.</exception>
    public IReadOnlyDictionary<string, double[]> SensitivityPercentiles(double percentile, IReadOnlyDictionary<string, double[]> sensitivities)
    {
        new CalibrationOptions { Percentile = percentile }.Validate();
        ArgumentNullException.ThrowIfNull(sensitivities);
        if (!GroupWise)
        {
            throw new InvalidOperationException("Sensitivity-weighted group percentiles need group-wise counts; calibrate with GroupWise.");
        }
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach ((string layer, Group[] groups) in _groups)
        {
            if (!sensitivities.TryGetValue(layer, out double[]? f) || f is null || f.Length != groups.Length || f.Any(v => !(v >= 0) || double.IsInfinity(v)))
            {
                throw new ArgumentException($"Layer '{layer}' needs {groups.Length} finite sensitivities >= 0, one per output channel / neuron.", nameof(sensitivities));
            }
            if (percentile is 0 or 100 || f.All(v => v == 0))
            {
                result[layer] = Enumerable.Repeat(percentile, groups.Length).ToArray();
                continue;
            }
            MassCurve[] curves = groups.Select(g => g.Curve(FixedPoint)).ToArray();
            // The common parameter is log(T sqrt(F)). A group with F = 0 skips everything.
            result[layer] = Spread(curves, percentile, -800, 800, 100, (g, logScale) =>
                f[g] == 0 ? curves[g].Count : curves[g].CountUpTo(Math.Exp(logScale - 0.5 * Math.Log(f[g]))));
        }
        return result;
    }

    /// <summary>
    /// One layer's per-group percentiles that skip <paramref name="percentile"/> % of its products in total: bisection in
    /// [<paramref name="lo"/>, <paramref name="hi"/>] for the one parameter at which the groups together skip that many,
    /// <paramref name="skipped"/>(group, parameter) growing with the parameter; then each group's share at it.
    /// </summary>
    private static double[] Spread(MassCurve[] curves, double percentile, double lo, double hi, int steps, Func<int, double, double> skipped)
    {
        double target = percentile / 100 * curves.Sum(c => c.Count);
        for (int i = 0; i < steps; i++)
        {
            double mid = (lo + hi) / 2;
            (Enumerable.Range(0, curves.Length).Sum(g => skipped(g, mid)) >= target ? ref hi : ref lo) = mid;
        }
        return curves.Select((c, g) => c.Count == 0 ? 0 : Math.Min(100, 100.0 * skipped(g, hi) / c.Count)).ToArray();
    }

    /// <summary>
    /// <see cref="ThresholdsForGroups(IReadOnlyDictionary{string, double[]})"/> for each of <paramref name="settings"/>,
    /// with at most one scan for all of them.
    /// </summary>
    public IReadOnlyList<ThresholdSet> ThresholdsForGroups(IEnumerable<IReadOnlyDictionary<string, double[]>> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        IReadOnlyDictionary<string, double[]>[] all = settings.ToArray();
        foreach (IReadOnlyDictionary<string, double[]> s in all)
        {
            CheckGroups(s);
        }
        Resolve(all.SelectMany(s => _groups.SelectMany(kv => kv.Value.Select((g, i) => (g, s[kv.Key][Math.Min(i, s[kv.Key].Length - 1)])))));
        return all.Select(ThresholdsForGroups).ToArray();
    }

    /// <summary>
    /// Makes the counts for one model as <see cref="PrunedModel.Create"/> would calibrate it: after the magnitude
    /// and FATReLU baselines of <paramref name="options"/>, group-wise as they say, and for a fixed-point profile
    /// on the integer products in Q formats chosen from <paramref name="calibration"/> first. Percentiles and
    /// given thresholds in the options are ignored.
    /// </summary>
    public static ProductHistogram ForModel(ModelGraph graph, PruningOptions options, IEnumerable<Tensor> calibration)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(calibration);
        return ForModel(graph, options, calibration, Targets.TargetProfile.FromName(options.Profile).Numerics == Targets.NumericFormat.FixedPoint16);
    }

    /// <summary><see cref="ForModel(ModelGraph, PruningOptions, IEnumerable{Tensor})"/> with the numerics given directly.</summary>
    internal static ProductHistogram ForModel(ModelGraph graph, PruningOptions options, IEnumerable<Tensor> calibration, bool fixedPoint)
    {
        // A model with zero thresholds on the float profile is built without calibrating; it yields the baselines as PrunedModel applies them.
        PrunedModel baselines = PrunedModel.Create(graph, new PruningOptions
        {
            Thresholds = ThresholdSet.Zero(graph),
            MagnitudeSparsity = options.MagnitudeSparsity,
            FatReluTau = options.FatReluTau,
            FatReluThresholds = options.FatReluThresholds,
        }, null);
        return Calibrator.CalibrateHistogram(baselines.Graph, calibration, new CalibrationOptions
        {
            GroupWise = options.GroupWise,
            FatReluThresholds = baselines.FatReluThresholds,
            FixedPoint = fixedPoint ? Calibrator.CalibrateQuantization(baselines.Graph, calibration) : null,
        });
    }


    private ThresholdSet Build(Func<string, double[]> percentilesOf, string method, double? percentile)
    {
        Dictionary<string, double[]> wanted = _groups.Keys.ToDictionary(l => l, percentilesOf, StringComparer.Ordinal);
        Resolve(wanted.SelectMany(kv => _groups[kv.Key].Select((g, i) => (g, kv.Value[i]))));
        Dictionary<string, float[]> thresholds = new(StringComparer.Ordinal), rankValues = new(StringComparer.Ordinal);
        Dictionary<string, int[]>? quantized = _fixedPoint is null ? null : new(StringComparer.Ordinal);
        foreach (PrunableNode layer in _graph.PrunableLayers)
        {
            (uint? Rank, uint? Next)[] picks = _groups[layer.Name].Select((g, i) => g.Select(wanted[layer.Name][i])).ToArray();
            if (_fixedPoint is null)
            {
                rankValues[layer.Name] = picks.Select(s => s.Rank is uint k ? BitConverter.UInt32BitsToSingle(k) : 0f).ToArray();
                thresholds[layer.Name] = picks.Select(s => s.Rank is uint k
                    ? Calibrator.ThresholdBetween(BitConverter.UInt32BitsToSingle(k), s.Next is uint n ? BitConverter.UInt32BitsToSingle(n) : null)
                    : 0f).ToArray();
                continue;
            }
            // Integer products: |x_q w_q| <= T_q is skipped, so T_q = v[r] exactly, as Calibrator stores it.
            int productBits = _fixedPoint.ValueBits(layer.Input) + _fixedPoint.WeightBits(layer.Name);
            quantized![layer.Name] = picks.Select(s => (int)(s.Rank ?? 0)).ToArray();
            rankValues[layer.Name] = thresholds[layer.Name] = quantized[layer.Name].Select(t => FixedPointMath.Dequantize(t, productBits)).ToArray();
        }
        return new ThresholdSet
        {
            Method = method,
            Percentile = percentile,
            GroupWise = GroupWise,
            CalibrationSamples = CalibrationSamples,
            Model = _graph.Name,
            Layers = thresholds,
            RankValues = rankValues,
            QuantizedLayers = quantized,
            Quantization = Quantization,
        };
    }

    /// <summary>Fills, in one scan over the kept inputs, the low counts of every bucket the queries need and no earlier scan filled.</summary>
    private void Resolve(IEnumerable<(Group Group, double Percentile)> queries)
    {
        lock (_gate)
        {
            var needed = new HashSet<(Group, int)>();
            foreach ((Group g, double p) in queries)
            {
                if (g.BucketOf(p) is int b && !g.Low.ContainsKey(b))
                {
                    needed.Add((g, b));
                }
            }
            if (needed.Count == 0)
            {
                return;
            }
            foreach ((Group g, int b) in needed)
            {
                g.Low[b] = new long[1 << LowBits];
            }
            var fresh = needed.ToLookup(n => n.Item1, n => n.Item2);
            Parallel.ForEach(_graph.PrunableLayers.Where(l => _groups[l.Name].Any(g => fresh.Contains(g))), layer =>
            {
                // Only buckets new in this scan are counted, so earlier counts are not doubled.
                long[]?[]?[] lookup = _groups[layer.Name].Select(g => fresh.Contains(g) ? NewLookup(g, fresh[g]) : null).ToArray();
                var counter = new LowCounter(lookup, GroupWise);
                Scan(layer, ref counter);
            });
            Scans++;
        }
    }

    private static long[]?[] NewLookup(Group g, IEnumerable<int> buckets)
    {
        var lookup = new long[]?[Buckets];
        foreach (int b in buckets)
        {
            lookup[b] = g.Low[b];
        }
        return lookup;
    }

    private void Scan<TVisitor>(PrunableNode layer, ref TVisitor visitor) where TVisitor : struct, IMacVisitor
    {
        Tensor input = _inputs[layer.Name];
        if (_fixedPoint is null)
        {
            MacEnumerator.Visit<TVisitor, FloatProduct>(layer, _weights[layer.Name], input.Data, input.Shape, ref visitor);
        }
        else
        {
            MacEnumerator.Visit<TVisitor, IntegerProduct>(layer, _weights[layer.Name], input.Data, input.Shape, ref visitor);
        }
    }

    /// <summary>The first scan: counts by top bits and each bucket's smallest key; refuses products that overflow float32.</summary>
    private readonly struct BucketCounter(Group[] groups, bool groupWise, PrunableNode layer) : IMacVisitor
    {
        public void Visit(int group, int weight, float x, uint key)
        {
            if (key >= PositiveInfinityBits)
            {
                throw new ArgumentException(
                    $"Layer '{layer.Name}' ({layer.OpName}): a product |x*w| overflows float32 on the calibration data; calibration needs finite numbers.");
            }
            Group g = groups[groupWise ? group : 0];
            int b = (int)(key >> LowBits);
            g.Top[b]++;
            if (key < g.Min[b])
            {
                g.Min[b] = key;
            }
        }
    }

    /// <summary>A later scan: the low bits of the keys in the buckets being resolved.</summary>
    private readonly struct LowCounter(long[]?[]?[] lookup, bool groupWise) : IMacVisitor
    {
        public void Visit(int group, int weight, float x, uint key)
        {
            long[]? low = lookup[groupWise ? group : 0]?[key >> LowBits];
            if (low is not null)
            {
                low[key & ((1u << LowBits) - 1)]++;
            }
        }
    }

    /// <summary>One group's counts.</summary>
    private sealed class Group
    {
        private long? _total;

        public long[] Top { get; } = new long[Buckets];

        public uint[] Min { get; } = Enumerable.Repeat(uint.MaxValue, Buckets).ToArray();

        public Dictionary<int, long[]> Low { get; } = new();

        private MassCurve? _curve;

        public long Total => _total ??= Top.Sum();

        /// <summary>Cumulative counts and product mass over the nonempty buckets, each product at its bucket's middle.</summary>
        public MassCurve Curve(bool integerKeys)
        {
            if (_curve is not null)
            {
                return _curve;
            }
            int[] nonempty = Enumerable.Range(0, Buckets).Where(b => Top[b] > 0).ToArray();
            double[] values = nonempty.Select(b =>
            {
                uint middle = ((uint)b << LowBits) | (1u << (LowBits - 1));
                return integerKeys ? (double)middle : BitConverter.UInt32BitsToSingle(middle);
            }).ToArray();
            return _curve = new MassCurve(nonempty.Select(b => Top[b]).ToArray(), values);
        }

        /// <summary>The bucket of the nearest-rank product at <paramref name="p"/>, or null when there is nothing to skip (p = 0, no products).</summary>
        public int? BucketOf(double p) => Locate(p) is { } at ? at.Bucket : null;

        /// <summary>The nearest-rank key and the next larger distinct key (null when none); the bucket must be resolved.</summary>
        public (uint? Rank, uint? Next) Select(double p)
        {
            if (Locate(p) is not { } at)
            {
                return (null, null);
            }
            long[] low = Low[at.Bucket];
            int d = 0;
            long seen = 0;
            while (seen + low[d] <= at.RankInBucket)
            {
                seen += low[d++];
            }
            uint rank = ((uint)at.Bucket << LowBits) | (uint)d;
            int nextLow = Array.FindIndex(low, d + 1, c => c > 0);
            if (nextLow >= 0)
            {
                return (rank, ((uint)at.Bucket << LowBits) | (uint)nextLow);
            }
            int nextBucket = Array.FindIndex(Top, at.Bucket + 1, c => c > 0);
            return (rank, nextBucket >= 0 ? Min[nextBucket] : null);
        }

        private (int Bucket, long RankInBucket)? Locate(double p)
        {
            if (p == 0 || Total == 0)
            {
                return null;
            }
            long r = Calibrator.NearestRank(p, Total);
            int b = 0;
            while (r >= Top[b])
            {
                r -= Top[b++];
            }
            return (b, r);
        }
    }

    /// <summary>One group's products by bucket, in ascending order: how many are skipped when a given share of the mass may go.</summary>
    private sealed class MassCurve
    {
        private readonly long[] _counts;
        private readonly double[] _values;
        private readonly double[] _cumulativeMass;
        private readonly long[] _cumulativeCount;

        public MassCurve(long[] counts, double[] values)
        {
            _counts = counts;
            _values = values;
            _cumulativeMass = new double[counts.Length + 1];
            _cumulativeCount = new long[counts.Length + 1];
            for (int i = 0; i < counts.Length; i++)
            {
                _cumulativeMass[i + 1] = _cumulativeMass[i] + counts[i] * values[i];
                _cumulativeCount[i + 1] = _cumulativeCount[i] + counts[i];
            }
        }

        public long Count => _cumulativeCount[^1];

        /// <summary>How many products (each at its bucket's middle) are at most <paramref name="value"/>.</summary>
        public long CountUpTo(double value)
        {
            int i = Array.BinarySearch(_values, value);
            return _cumulativeCount[i >= 0 ? i + 1 : ~i];
        }

        /// <summary>How many of the smallest products fit within <paramref name="share"/> of the total mass.</summary>
        public double SkippedAt(double share)
        {
            double mass = share * _cumulativeMass[^1];
            int i = Array.BinarySearch(_cumulativeMass, mass);
            i = i >= 0 ? i : ~i - 1;
            if (i >= _counts.Length)
            {
                return Count;
            }
            return _cumulativeCount[i] + Math.Min(_counts[i], Math.Floor((mass - _cumulativeMass[i]) / _values[i]));
        }
    }
}
