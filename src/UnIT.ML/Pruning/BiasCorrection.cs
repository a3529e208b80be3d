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
        (double[][] dense, double[] rms) = ChannelMeans(new InferenceEngine(model.OriginalGraph), layers, batches);
        double[][] corrections = layers.Select(l => new double[l.OutputChannels]).ToArray();
        PrunedModel current = model.WithThresholds(model.Thresholds with { BiasCorrections = null });
        for (int pass = 0; pass < layers.Count; pass++)
        {
            double[][] pruned = ChannelMeans(current.Engine, layers, batches).Means;
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
            current = model.WithThresholds(model.Thresholds with { BiasCorrections = AsFloats(layers, corrections) });
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

    /// <summary>Per layer, the mean output of each output channel / neuron over every sample and position, and the layer's output RMS.</summary>
    private static (double[][] Means, double[] Rms) ChannelMeans(InferenceEngine engine, IReadOnlyList<PrunableNode> layers, Tensor[] batches)
    {
        var observers = batches.Select(_ => new OutputSums(engine.Graph, layers)).ToArray();
        Parallel.For(0, batches.Length, b => engine.RunObserved(batches[b], observers[b]));
        double[] rms = layers.Select((_, l) => Math.Sqrt(observers.Sum(o => o.Squares[l]) / Math.Max(1, observers.Sum(o => o.Counts[l]) * layers[l].OutputChannels))).ToArray();
        return (layers.Select((layer, l) =>
        {
            double[] sum = new double[layer.OutputChannels];
            long count = 0;
            foreach (OutputSums o in observers)
            {
                for (int c = 0; c < sum.Length; c++)
                {
                    sum[c] += o.Sums[l][c];
                }
                count += o.Counts[l];
            }
            return sum.Select(s => s / count).ToArray();
        }).ToArray(), rms);
    }

    /// <summary>Adds up each watched layer's output per channel (conv: axis 1; fully connected: the last axis), and its squares.</summary>
    private sealed class OutputSums : IEngineObserver
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
        private readonly int[] _planes;

        public OutputSums(ModelGraph graph, IReadOnlyList<PrunableNode> layers)
        {
            Sums = layers.Select(l => new double[l.OutputChannels]).ToArray();
            Counts = new long[layers.Count];
            Squares = new double[layers.Count];
            _planes = new int[layers.Count];
            for (int l = 0; l < layers.Count; l++)
            {
                _index[layers[l].Output] = l;
                Shape shape = graph.ShapeOf(layers[l].Output).WithBatch(1);
                _planes[l] = layers[l] is ConvNode ? shape.SampleSize / layers[l].OutputChannels : 1;
            }
        }

        public double[][] Sums { get; }

        public long[] Counts { get; }

        public double[] Squares { get; }

        public void OnLayerInput(PrunableNode layer, float[] input, Shape shape)
        {
        }

        public void OnValue(string name, float[] data)
        {
            if (!_index.TryGetValue(name, out int l))
            {
                return;
            }
            double[] sums = Sums[l];
            int channels = sums.Length, plane = _planes[l];
            // A conv output is [C, positions...] (channel c one contiguous plane); a fully connected one [rows..., N].
            double squares = 0;
            for (int i = 0; i < data.Length; i++)
            {
                sums[plane > 1 ? i / plane : i % channels] += data[i];
                squares += (double)data[i] * data[i];
            }
            Squares[l] += squares;
            Counts[l] += data.Length / channels;
        }
    }
}
