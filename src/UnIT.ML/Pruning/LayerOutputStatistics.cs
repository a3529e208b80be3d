using UnIT.ML.Engine;
using UnIT.ML.Graph;

namespace UnIT.ML.Pruning;

/// <summary>What a run of the calibration data puts out at each prunable layer: per-channel means and the layer's RMS.</summary>
internal static class LayerOutputStatistics
{
    /// <summary>Per layer, the mean output of each output channel / neuron over every sample and position, and the layer's output RMS.</summary>
    public static (double[][] Means, double[] Rms) Measure(InferenceEngine engine, IReadOnlyList<PrunableNode> layers, Tensor[] batches)
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
            // A conv output is [C, positions...] (channel c one contiguous plane); a fully connected one [rows..., N]. Either
            // way the elements are added in their order, with no division per element to find their channel.
            double squares = 0;
            int run = plane > 1 ? plane : 1;
            for (int start = 0, c = 0; start < data.Length; start += run, c = c + 1 == channels ? 0 : c + 1)
            {
                double sum = sums[c];
                foreach (float v in data.AsSpan(start, run))
                {
                    sum += v;
                    squares += (double)v * v;
                }
                sums[c] = sum;
            }
            Squares[l] += squares;
            Counts[l] += data.Length / channels;
        }
    }
}
