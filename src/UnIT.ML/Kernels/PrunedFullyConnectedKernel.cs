using UnIT.ML.Division;
using UnIT.ML.Pruning;

namespace UnIT.ML.Kernels;

/// <summary>
/// UnIT fully connected layer of one float32 row. The activation is the control term: for each
/// nonzero input x[k] the threshold <c>t(T, |x[k]|)</c> is computed once and reused for all N
/// weights it meets (with group-wise thresholds, once per output neuron instead); a MAC runs only
/// when <c>|w| &gt; t</c>. Weights are read transposed, [K, N], so one input's weights are contiguous.
/// <para>
/// With one layer threshold, <see cref="RunSorted"/> does work that shrinks with the MACs skipped: each input's weights
/// are sorted by decreasing |w| once (<see cref="MagnitudeSortedWeights"/>), so the weights its threshold keeps are a
/// prefix, found by bisection; only those MACs run, without a compare (or a mispredicted branch) per weight. Every
/// output still receives its products in input order with the same arithmetic, so results and counts equal
/// <see cref="Run"/>'s.
/// </para>
/// </summary>
public static class PrunedFullyConnectedKernel
{
    /// <summary>
    /// Runs one row. <paramref name="thresholds"/> holds one layer threshold or one per output neuron.
    /// Counts and division operations are added to <paramref name="stats"/> when it is not null.
    /// </summary>
    public static void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> weightTransposed, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> thresholds, IDivisionApproximator division, Span<float> output, LayerStatistics? stats)
    {
        int n = output.Length;
        bool perNeuron = thresholds.Length > 1;
        float layerT = thresholds[0];
        long executed = 0, skippedThreshold = 0, nonzeroInputs = 0;
        var ops = default(DivisionOps);
        if (bias.IsEmpty)
        {
            output.Clear();
        }
        else
        {
            bias.CopyTo(output);
        }
        for (int k = 0; k < input.Length; k++)
        {
            float x = input[k];
            if (x == 0f)
            {
                continue;
            }
            nonzeroInputs++;
            float ax = MathF.Abs(x);
            float t = perNeuron ? 0f : division.Threshold(layerT, ax, ref ops);
            ReadOnlySpan<float> row = weightTransposed.Slice(k * n, n);
            for (int j = 0; j < n; j++)
            {
                float w = row[j];
                if (perNeuron)
                {
                    t = division.Threshold(thresholds[j], ax, ref ops);
                }
                if (MathF.Abs(w) > t)
                {
                    output[j] += x * w;
                    executed++;
                }
                else if (w != 0f)
                {
                    skippedThreshold++;
                }
            }
        }
        if (stats is not null)
        {
            long total = (long)input.Length * n;
            stats.Total += total;
            stats.Executed += executed;
            stats.SkippedThreshold += skippedThreshold;
            stats.SkippedZero += total - executed - skippedThreshold;
            stats.Comparisons += input.Length + nonzeroInputs * n;
            stats.ActivationReads += input.Length;
            stats.WeightReads += nonzeroInputs * n;
            stats.Division.Add(ops);
        }
    }

    /// <summary>
    /// <see cref="Run"/> with one layer threshold <paramref name="threshold"/> over the magnitude-sorted weights: the
    /// same outputs and counts.
    /// </summary>
    internal static void RunSorted(ReadOnlySpan<float> input, MagnitudeSortedWeights weights, ReadOnlySpan<float> bias,
        float threshold, IDivisionApproximator division, Span<float> output, LayerStatistics? stats)
    {
        int n = output.Length;
        long executed = 0, skippedThreshold = 0, nonzeroInputs = 0;
        var ops = default(DivisionOps);
        if (bias.IsEmpty)
        {
            output.Clear();
        }
        else
        {
            bias.CopyTo(output);
        }
        ReadOnlySpan<float> values = weights.Values;
        ReadOnlySpan<int> columns = weights.Columns;
        for (int k = 0; k < input.Length; k++)
        {
            float x = input[k];
            if (x == 0f)
            {
                continue;
            }
            nonzeroInputs++;
            int kept = weights.Kept(k, division.Threshold(threshold, MathF.Abs(x), ref ops));
            int row = k * n;
            for (int i = row; i < row + kept; i++)
            {
                output[columns[i]] += x * values[i];
            }
            executed += kept;
            // Zero weights sort last, so the nonzero ones skipped are those past the kept prefix (a negative
            // threshold keeps zero weights too, which Run counts as executed).
            skippedThreshold += Math.Max(0, weights.Nonzero[k] - kept);
        }
        if (stats is not null)
        {
            long total = (long)input.Length * n;
            stats.Total += total;
            stats.Executed += executed;
            stats.SkippedThreshold += skippedThreshold;
            stats.SkippedZero += total - executed - skippedThreshold;
            stats.Comparisons += input.Length + nonzeroInputs * n;
            stats.ActivationReads += input.Length;
            stats.WeightReads += nonzeroInputs * n;
            stats.Division.Add(ops);
        }
    }
}
