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
    /// is one dense run of this many samples per output channel.
    /// </summary>
    public const int DefaultSamples = 512;

    /// <summary>
    /// Per prunable layer, one Fisher estimate per output channel / neuron (&gt;= 0), from the dense float model on
    /// <paramref name="calibration"/> (at most <paramref name="maxSamples"/> samples). The model's first output is read as
    /// logits (a softmax is taken here), or as probabilities when a Softmax node makes it. Runs the samples once per output
    /// channel, plus twice; deterministic (seeded noise).
    /// </summary>
    public static Dictionary<string, double[]> Measure(ModelGraph graph, IEnumerable<Tensor> calibration, int maxSamples = DefaultSamples)
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
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (int l = 0; l < layers.Count; l++)
        {
            PrunableNode layer = layers[l];
            Shape shape = graph.ShapeOf(layer.Output).WithBatch(1);
            int positions = shape.SampleSize / layer.OutputChannels;
            double sigma = NoiseShare * rms[l];
            var fisher = new double[layer.OutputChannels];
            Parallel.For(0, layer.OutputChannels, c =>
            {
                if (sigma == 0)
                {
                    return;
                }
                var noise = new ChannelNoise(layer, c, positions, layer is ConvNode, (float)sigma, seed: l * 7919 + c);
                double kl = 0;
                long samples = 0;
                for (int b = 0; b < batches.Length; b++)
                {
                    float[] noisy = Array.ConvertAll(Observed(engine, batches[b], noise), v => asLogit(v));
                    kl += Divergence(dense[b], noisy, classes);
                    samples += batches[b].Shape[0];
                }
                fisher[c] = Math.Max(0, 2 * kl / samples / (sigma * sigma * positions));
            });
            result[layer.Name] = fisher;
        }
        return result;
    }

    private static float[] Observed(InferenceEngine engine, Tensor batch, ChannelNoise noise)
    {
        var outputs = new OutputCapture(engine.Graph.Outputs[0].Name, batch.Shape[0], engine.Graph.Outputs[0].Shape.WithBatch(1).SampleSize, noise);
        engine.RunObserved(batch, outputs);
        return outputs.Values;
    }

    /// <summary>Sum over samples of KL(softmax(dense) || softmax(noisy)).</summary>
    private static double Divergence(double[] dense, float[] noisy, int classes)
    {
        double total = 0;
        for (int s = 0; s < dense.Length / classes; s++)
        {
            ReadOnlySpan<double> p = dense.AsSpan(s * classes, classes);
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

    private sealed class OutputCapture(string output, int samples, int size, ChannelNoise noise) : IEngineObserver
    {
        private int _next;

        public float[] Values { get; } = new float[samples * size];

        public void OnLayerInput(PrunableNode layer, float[] input, Shape shape)
        {
        }

        public void OnValue(string name, float[] data)
        {
            // The engine reads the buffer it showed here, so noise added now flows on.
            if (name == noise.Output)
            {
                noise.Apply(data);
            }
            if (name == output)
            {
                Array.Copy(data, 0, Values, _next++ * size, size);
            }
        }
    }
}
