using UnIT.ML.Division;
using UnIT.ML.Pruning;

namespace UnIT.ML.Kernels;

/// <summary>
/// UnIT fully connected layer of one float32 row. The activation is the control term: for each
/// nonzero input x[k] the threshold <c>t(T, |x[k]|)</c> is computed once and reused for all N
/// weights it meets (with group-wise thresholds, once per output neuron instead); a MAC runs only
/// when <c>|w| &gt; t</c>. Weights are read transposed, [K, N], so one input's weights are contiguous.
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
}
