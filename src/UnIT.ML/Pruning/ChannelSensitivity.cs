using UnIT.ML.Engine;
using UnIT.ML.Graph;

namespace UnIT.ML.Pruning;

/// <summary>
/// How much the model's output distribution cares about each output channel / neuron of each prunable layer:
/// the diagonal of the Fisher information per position, measured without gradients. Gaussian noise of variance
/// s^2 added to every position of one channel's output moves the output distribution by
/// KL(dense || noisy) ~ s^2 / 2 * sum of the channel's Fisher terms, so F = 2 KL / (s^2 * positions).
/// Skipped MACs add such noise: a channel that skips products of size v costs about F v^2 each, which is why
/// thresholds that skip the same total should sit at T ~ 1 / sqrt(F) (see <see cref="ProductHistogram.SensitivityPercentiles"/>).
/// </summary>
public static class ChannelSensitivity
{
    /// <summary>The noise's standard deviation, as a share of the layer output's root mean square: small enough for the quadratic regime.</summary>
    public const double NoiseShare = 0.1;

    /// <summary>
    /// Calibration samples measured by default. The estimate rests on the few samples near a decision boundary, so fewer
    /// samples make it noisy (on Fashion-MNIST, 128 instead of 512 moved a search's answer by 2 points of MACs); the cost
    /// is a run of this many samples through the graph from each layer on, per output channel.
    /// </summary>
    public const int DefaultSamples = 512;

    /// <summary>The most floats of saved prefixes (the values alive at a layer) held at once (about 128 MB): samples are measured in chunks that fit.</summary>
    private const long PrefixBudget = 32L << 20;

    /// <summary>
    /// Per prunable layer, one Fisher estimate per output channel / neuron (&gt;= 0), from the dense float model on
    /// <paramref name="calibration"/> (at most <paramref name="maxSamples"/> samples). The model's first output is read as
    /// logits (a softmax is taken here), or as probabilities when a Softmax node makes it. Runs the graph from each layer on
    /// once per output channel and sample (the nodes before the layer once per sample), plus two dense runs; deterministic
    /// (seeded noise). <paramref name="progress"/> is told the share of those runs done (0 to 1) at each whole percent, in rising order.
    /// </summary>
    public static Dictionary<string, double[]> Measure(ModelGraph graph, IEnumerable<Tensor> calibration, int maxSamples = DefaultSamples,
        IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSamples, 1);
        Tensor[] batches = CalibrationBatches.First(calibration, maxSamples);
        if (batches.Length == 0)
        {
            throw new ArgumentException("Channel sensitivity needs at least one calibration sample.", nameof(calibration));
        }
        var engine = new InferenceEngine(graph);
        // Log-probabilities are logits too (their softmax is themselves), so a Softmax output is read through its log.
        bool probabilities = graph.Nodes.Any(n => n.Output == graph.Outputs[0].Name && n is AxisSoftmaxNode { Log: false });
        Func<float, float> asLogit = probabilities ? v => MathF.Log(MathF.Max(v, float.Epsilon)) : v => v;
        double[][] dense = batches.Select(b => engine.Run(b).Data.Select(v => (double)asLogit(v)).ToArray()).ToArray();
        int classes = graph.Outputs[0].Shape.SampleSize;
        IReadOnlyList<PrunableNode> layers = graph.PrunableLayers;
        double[] rms = LayerOutputStatistics.Measure(engine, layers, batches).Rms;
        long sampleCount = batches.Sum(b => (long)b.Shape[0]);
        var runs = new RunCounter(progress, sampleCount * layers.Sum(l => (long)l.OutputChannels));
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (int l = 0; l < layers.Count; l++)
        {
            PrunableNode layer = layers[l];
            Shape shape = graph.ShapeOf(layer.Output).WithBatch(1);
            int positions = shape.SampleSize / layer.OutputChannels;
            double sigma = NoiseShare * rms[l];
            var fisher = new double[layer.OutputChannels];
            if (sigma > 0)
            {
                double[] kl = Divergences(engine, layer, batches, dense, asLogit, classes, runs,
                    c => new ChannelNoise(layer, c, positions, layer is ConvNode, (float)sigma, seed: l * 7919 + c));
                for (int c = 0; c < fisher.Length; c++)
                {
                    fisher[c] = Math.Max(0, 2 * kl[c] / sampleCount / (sigma * sigma * positions));
                }
            }
            else
            {
                runs.Add(sampleCount * layer.OutputChannels);
            }
            result[layer.Name] = fisher;
        }
        return result;
    }

    /// <summary>
    /// Per output channel of <paramref name="layer"/>, the sum over the samples of KL(dense || the run with that channel's
    /// noise). Each sample runs up to the layer once; the rest of the graph runs from there per channel. A channel's noise
    /// is drawn sample after sample in the batches' order, and its divergence summed in that order.
    /// </summary>
    private static double[] Divergences(InferenceEngine engine, PrunableNode layer, Tensor[] batches, double[][] dense, Func<float, float> asLogit,
        int classes, RunCounter runs, Func<int, ChannelNoise> noiseOf)
    {
        int node = engine.Graph.Nodes.ToList().IndexOf(layer);
        ChannelNoise[] noises = Enumerable.Range(0, layer.OutputChannels).Select(noiseOf).ToArray();
        var kl = new double[noises.Length];
        var batchKl = new double[noises.Length];
        for (int b = 0; b < batches.Length; b++)
        {
            Tensor batch = batches[b];
            int size = batch.Shape[0];
            Array.Clear(batchKl);
            int chunk = size;
            for (int start = 0; start < size; start += chunk)
            {
                float[]?[] first = engine.RunPrefix(batch, start, node);
                long live = first.Sum(v => (long)(v?.Length ?? 0));
                chunk = start == 0 ? (int)Math.Clamp(PrefixBudget / Math.Max(1, live), 1, size) : chunk;
                int count = Math.Min(chunk, size - start);
                var prefixes = new float[]?[count][];
                prefixes[0] = first;
                Parallel.For(1, count, i => prefixes[i] = engine.RunPrefix(batch, start + i, node));
                Parallel.For(0, noises.Length, c =>
                {
                    var noisy = new float[count * classes];
                    var observer = new NoiseObserver(noises[c]);
                    for (int i = 0; i < count; i++)
                    {
                        float[] output = engine.ResumeObserved(prefixes[i], node, observer);
                        for (int k = 0; k < classes; k++)
                        {
                            noisy[i * classes + k] = asLogit(output[k]);
                        }
                    }
                    batchKl[c] = Divergence(dense[b].AsSpan(start * classes, count * classes), noisy, classes, batchKl[c]);
                    runs.Add(count);
                });
            }
            for (int c = 0; c < kl.Length; c++)
            {
                kl[c] += batchKl[c];
            }
        }
        return kl;
    }

    /// <summary><paramref name="total"/> plus the sum over samples of KL(softmax(dense) || softmax(noisy)), added in sample order.</summary>
    private static double Divergence(ReadOnlySpan<double> dense, float[] noisy, int classes, double total)
    {
        for (int s = 0; s < dense.Length / classes; s++)
        {
            ReadOnlySpan<double> p = dense.Slice(s * classes, classes);
            ReadOnlySpan<float> q = noisy.AsSpan(s * classes, classes);
            double pMax = double.NegativeInfinity, qMax = double.NegativeInfinity;
            for (int k = 0; k < classes; k++)
            {
                pMax = Math.Max(pMax, p[k]);
                qMax = Math.Max(qMax, q[k]);
            }
            double pSum = 0, qSum = 0;
            for (int k = 0; k < classes; k++)
            {
                pSum += Math.Exp(p[k] - pMax);
                qSum += Math.Exp(q[k] - qMax);
            }
            double pLog = pMax + Math.Log(pSum), qLog = qMax + Math.Log(qSum);
            for (int k = 0; k < classes; k++)
            {
                double lp = p[k] - pLog;
                total += Math.Exp(lp) * (lp - (q[k] - qLog));
            }
        }
        return total;
    }

    /// <summary>Adds seeded Gaussian noise to one channel of one layer's output (conv: a plane; fully connected: every row's entry).</summary>
    private sealed class ChannelNoise(PrunableNode layer, int channel, int positions, bool planar, float sigma, int seed)
    {
        private readonly Random _random = new(seed);

        public string Output => layer.Output;

        public void Apply(float[] data)
        {
            int channels = layer.OutputChannels;
            for (int i = 0; i < positions; i++)
            {
                data[planar ? channel * positions + i : i * channels + channel] += sigma * Gaussian();
            }
        }

        private float Gaussian() =>
            (float)(Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble()));
    }

    /// <summary>Adds a channel's noise to its layer's output as the run makes it; the engine reads that buffer on.</summary>
    private sealed class NoiseObserver(ChannelNoise noise) : IEngineObserver
    {
        public void OnLayerInput(PrunableNode layer, float[] input, Shape shape)
        {
        }

        public void OnValue(string name, float[] data)
        {
            if (name == noise.Output)
            {
                noise.Apply(data);
            }
        }
    }

    /// <summary>Counts the runs done and tells <c>progress</c> each whole percent of them reached, once, in rising order even from parallel loops.</summary>
    private sealed class RunCounter(IProgress<double>? progress, long total)
    {
        private readonly object _gate = new();
        private long _done;
        private int _percent = -1;

        public void Add(long runs)
        {
            lock (_gate)
            {
                _done += runs;
                int percent = total == 0 ? 100 : (int)Math.Min(100, 100 * _done / total);
                if (percent > _percent)
                {
                    _percent = percent;
                    progress?.Report(percent / 100.0);
                }
            }
        }
    }
}
