using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;

namespace UnIT.ML.Pruning;

/// <summary>
/// Calibrates UnIT thresholds on held-out data, as method.md defines: for each prunable layer
/// (or each output channel/neuron, group-wise), T is the exact nearest-rank p-th percentile of
/// |x * w| over all MACs with both operands nonzero, with layer inputs from the dense forward pass.
/// The percentile is found exactly without storing the products: a first pass histograms the
/// upper 16 bits of each product's IEEE-754 pattern (which orders non-negative floats), a second
/// pass resolves the lower 16 bits inside the one bucket that holds the wanted rank. The same first
/// pass records every value's range, from which the fixed-point Q formats are chosen.
/// </summary>
public static class Calibrator
{
    /// <summary>
    /// Calibrates thresholds and the Q formats. <paramref name="batches"/> is enumerated twice, so it
    /// must be re-enumerable (a list, or a query that re-reads its source).
    /// </summary>
    public static ThresholdSet Calibrate(ModelGraph graph, IEnumerable<Tensor> batches, CalibrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var engine = new InferenceEngine(graph, new PruningConfiguration { FatReluThresholds = options.FatReluThresholds });
        var first = new HistogramPass(graph, options.GroupWise);
        int samples = 0;
        foreach (Tensor batch in batches)
        {
            engine.RunObserved(batch, first);
            samples += batch.Shape[0];
        }
        if (samples == 0)
        {
            throw new ArgumentException("Calibration needs at least one sample; the calibration data is empty.", nameof(batches));
        }
        var second = new RefinePass(graph, first, options);
        foreach (Tensor batch in batches)
        {
            engine.RunObserved(batch, second);
        }
        return new ThresholdSet
        {
            Method = "percentile",
            Percentile = options.Percentile,
            GroupWise = options.GroupWise,
            CalibrationSamples = samples,
            Model = graph.Name,
            Layers = second.Thresholds(),
            Quantization = first.Quantization(graph),
        };
    }

    /// <summary>Only the fixed-point Q formats (one dense pass), e.g. for explicitly given thresholds.</summary>
    public static QuantizationPlan CalibrateQuantization(ModelGraph graph, IEnumerable<Tensor> batches)
    {
        var engine = new InferenceEngine(graph);
        var ranges = new HistogramPass(graph, groupWise: false, histograms: false);
        foreach (Tensor batch in batches)
        {
            engine.RunObserved(batch, ranges);
        }
        return ranges.Quantization(graph);
    }

    /// <summary>Nearest-rank index of percentile p among n values: max(0, ceil(p/100 * n) - 1).</summary>
    internal static long NearestRank(double p, long n) => Math.Max(0, (long)Math.Ceiling(p / 100.0 * n) - 1);

    private sealed class HistogramPass : IEngineObserver
    {
        private readonly Dictionary<string, float> _maxAbs = new(StringComparer.Ordinal);
        private readonly bool _histograms;

        public HistogramPass(ModelGraph graph, bool groupWise, bool histograms = true)
        {
            _histograms = histograms;
            foreach (PrunableNode layer in graph.PrunableLayers)
            {
                int groups = groupWise ? layer.OutputChannels : 1;
                Counts[layer.Name] = Enumerable.Range(0, groups).Select(_ => new long[histograms ? 1 << 16 : 0]).ToArray();
            }
            GroupWise = groupWise;
        }

        public bool GroupWise { get; }

        /// <summary>Per layer, per group: counts by upper 16 bits of |x*w|.</summary>
        public Dictionary<string, long[][]> Counts { get; } = new(StringComparer.Ordinal);

        public void OnLayerInput(PrunableNode layer, float[] input, Shape shape)
        {
            if (_histograms)
            {
                var v = new UpperBitsCounter(Counts[layer.Name], GroupWise);
                MacEnumerator.Visit(layer, input, shape, ref v);
            }
        }

        public void OnValue(string name, float[] data)
        {
            float m = _maxAbs.GetValueOrDefault(name);
            foreach (float v in data)
            {
                m = Math.Max(m, Math.Abs(v));
            }
            _maxAbs[name] = m;
        }

        public QuantizationPlan Quantization(ModelGraph graph)
        {
            var plan = new QuantizationPlan();
            foreach ((string name, float max) in _maxAbs)
            {
                plan.Values[name] = FixedPointMath.FractionBitsFor(max);
            }
            // Ops that only move or select values keep their input's grid, so no precision is lost there.
            foreach (Node node in graph.Nodes)
            {
                if (node is FlattenNode or ReshapeNode or PoolNode { Kind: PoolKind.Max } or ActivationNode { Kind: ActivationKind.Relu })
                {
                    plan.Values[node.Output] = plan.Values[node.Input];
                }
            }
            foreach (PrunableNode layer in graph.PrunableLayers)
            {
                plan.Weights[layer.Name] = FixedPointMath.FractionBitsFor(layer.Weight.Data.Max(Math.Abs));
            }
            return plan;
        }
    }

    private sealed class RefinePass : IEngineObserver
    {
        private readonly Dictionary<string, Target[]> _targets = new(StringComparer.Ordinal);
        private readonly bool _groupWise;

        public RefinePass(ModelGraph graph, HistogramPass first, CalibrationOptions options)
        {
            _groupWise = options.GroupWise;
            foreach (PrunableNode layer in graph.PrunableLayers)
            {
                double p = options.LayerPercentiles?.GetValueOrDefault(layer.Name, options.Percentile) ?? options.Percentile;
                _targets[layer.Name] = first.Counts[layer.Name].Select(h => Target.Locate(h, p)).ToArray();
            }
        }

        public void OnLayerInput(PrunableNode layer, float[] input, Shape shape)
        {
            Target[] targets = _targets[layer.Name];
            if (targets.All(t => t.Count == 0))
            {
                return;
            }
            var v = new LowerBitsCounter(targets, _groupWise);
            MacEnumerator.Visit(layer, input, shape, ref v);
        }

        public void OnValue(string name, float[] data)
        {
        }

        public Dictionary<string, float[]> Thresholds() =>
            _targets.ToDictionary(kv => kv.Key, kv => kv.Value.Select(t => t.Resolve()).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>Where the wanted rank of one group lies after the first pass.</summary>
    private sealed class Target
    {
        public long Count { get; private init; }

        public int Bucket { get; private init; }

        public long RankInBucket { get; private init; }

        public long[] Lower { get; } = new long[1 << 16];

        public static Target Locate(long[] histogram, double p)
        {
            long n = histogram.Sum();
            if (n == 0)
            {
                return new Target();
            }
            long rank = NearestRank(p, n);
            long seen = 0;
            for (int b = 0; b < histogram.Length; b++)
            {
                if (seen + histogram[b] > rank)
                {
                    return new Target { Count = n, Bucket = b, RankInBucket = rank - seen };
                }
                seen += histogram[b];
            }
            throw new InvalidOperationException("Rank beyond histogram; counts changed between passes.");
        }

        public float Resolve()
        {
            if (Count == 0)
            {
                // No nonzero MAC was seen: nothing to skip by threshold.
                return 0f;
            }
            long seen = 0;
            for (int lo = 0; lo < Lower.Length; lo++)
            {
                if (seen + Lower[lo] > RankInBucket)
                {
                    return BitConverter.UInt32BitsToSingle(((uint)Bucket << 16) | (uint)lo);
                }
                seen += Lower[lo];
            }
            throw new InvalidOperationException("The calibration data changed between the two passes; it must be re-enumerable with the same samples.");
        }
    }

    private readonly struct UpperBitsCounter(long[][] counts, bool groupWise) : IMacVisitor
    {
        public void Visit(int group, float magnitude) =>
            counts[groupWise ? group : 0][BitConverter.SingleToUInt32Bits(magnitude) >> 16]++;
    }

    private readonly struct LowerBitsCounter(Target[] targets, bool groupWise) : IMacVisitor
    {
        public void Visit(int group, float magnitude)
        {
            uint bits = BitConverter.SingleToUInt32Bits(magnitude);
            Target t = targets[groupWise ? group : 0];
            if (bits >> 16 == (uint)t.Bucket && t.Count > 0)
            {
                t.Lower[bits & 0xFFFF]++;
            }
        }
    }
}
