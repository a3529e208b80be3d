using UnIT.ML.Graph;
using UnIT.ML.Kernels;

namespace UnIT.ML.Pruning;

/// <summary>
/// Adds up, per weight of a convolution and per activation sign, the nonzero activations its skip rule passes over
/// (a MAC runs where |x| &gt; t[w]), without visiting MAC by MAC. The weights that read one input channel at one kernel
/// offset (one per output channel of its group) see the same activations, so their thresholds are sorted once per layer;
/// each activation then takes one rank query (<see cref="SortedSearch.CountBelow"/>) to find the weights that skip it
/// (those whose threshold is at least |x|), and running sums over the sorted thresholds give each weight its total.
/// </summary>
internal sealed class ConvSkipSums
{
    private readonly ConvNode _conv;
    private readonly int _weights;

    /// <summary>Per group and im2col row (group * rows + row, i.e. input channel * kernel size + offset): the thresholds of its nonzero weights, ascending.</summary>
    private readonly float[][] _thresholds;

    /// <summary>The same lists' weight indices.</summary>
    private readonly int[][] _weightOf;

    /// <param name="conv">The layer.</param>
    /// <param name="weights">Its weights as the rule compares them (the int16 values of fixed point held as floats); a zero weight never skips.</param>
    /// <param name="thresholds">Per weight, the t of its rule.</param>
    public ConvSkipSums(ConvNode conv, float[] weights, float[] thresholds)
    {
        _conv = conv;
        _weights = weights.Length;
        int perGroup = conv.OutputChannels / conv.Groups, rows = weights.Length / conv.OutputChannels;
        var lists = Enumerable.Range(0, conv.Groups * rows).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] != 0f)
            {
                // Weight (m, c, offset) reads input channel (m's group) * channels per group + c.
                lists[i / rows / perGroup * rows + i % rows].Add(i);
            }
        }
        _weightOf = lists.Select(l => l.OrderBy(i => thresholds[i]).ToArray()).ToArray();
        _thresholds = _weightOf.Select(l => Array.ConvertAll(l, i => thresholds[i])).ToArray();
    }

    /// <summary>
    /// Adds the skipped activations of a batch <paramref name="input"/> of shape <paramref name="shape"/>: for weight i, the
    /// positive ones to <c>sums[i]</c> and <c>counts[i]</c>, the negative ones to <c>sums[W + i]</c> and <c>counts[W + i]</c>
    /// (W weights). The input must be finite.
    /// </summary>
    public void Add(float[] input, Shape shape, double[] sums, long[] counts)
    {
        ConvGeometry g = _conv.Geometry(shape);
        int positions = g.OutH * g.OutW, rows = g.ColumnRows;
        // An im2col row holds what one weight position meets at every output position (0 in the padding).
        var columns = new float[g.ColumnsLength];
        int longest = _thresholds.Max(t => t.Length);
        var positive = new Buckets(longest);
        var negative = new Buckets(longest);
        for (int s = 0; s < shape[0]; s++)
        {
            ReadOnlySpan<float> sample = input.AsSpan(s * g.InputSampleSize, g.InputSampleSize);
            for (int group = 0; group < g.Groups; group++)
            {
                Im2Col.Fill<float>(g, sample, group, columns);
                for (int r = 0; r < rows; r++)
                {
                    int list = group * rows + r;
                    float[] t = _thresholds[list];
                    if (t.Length == 0)
                    {
                        continue;
                    }
                    positive.Clear(t.Length);
                    negative.Clear(t.Length);
                    foreach (float x in columns.AsSpan(r * positions, positions))
                    {
                        if (x != 0f)
                        {
                            int first = SortedSearch.CountBelow(t, Math.Abs(x));
                            if (first < t.Length)
                            {
                                (x > 0f ? positive : negative).Add(first, x);
                            }
                        }
                    }
                    positive.Spread(_weightOf[list], sums, counts, 0);
                    negative.Spread(_weightOf[list], sums, counts, _weights);
                }
            }
        }
    }

    /// <summary>Activations of one sign, bucketed by the first sorted threshold that skips them.</summary>
    private sealed class Buckets(int capacity)
    {
        private readonly double[] _sums = new double[capacity];
        private readonly long[] _counts = new long[capacity];

        public void Clear(int length)
        {
            Array.Clear(_sums, 0, length);
            Array.Clear(_counts, 0, length);
        }

        public void Add(int bucket, float x)
        {
            _sums[bucket] += x;
            _counts[bucket]++;
        }

        /// <summary>The weight at sorted position j skips every activation bucketed at j or before.</summary>
        public void Spread(int[] weightOf, double[] sums, long[] counts, int slotBase)
        {
            double sum = 0;
            long count = 0;
            for (int j = 0; j < weightOf.Length; j++)
            {
                sum += _sums[j];
                count += _counts[j];
                sums[slotBase + weightOf[j]] += sum;
                counts[slotBase + weightOf[j]] += count;
            }
        }
    }
}
