using UnIT.ML.Division;
using UnIT.ML.Pruning;

namespace UnIT.ML.Kernels;

/// <summary>
/// Counts, for a fully connected layer the C runs by sorted columns (<see cref="SortedColumnFullyConnected"/>), what its
/// columns cost on a row: the inputs scanned, the thresholds looked up, the binary searches' steps and the outputs
/// (<see cref="LayerStatistics.ColumnInputs"/> and the counts after it).
/// </summary>
internal sealed class SortedColumnCounts
{
    private readonly int[][] _magnitudes;
    private readonly int _neurons;

    private SortedColumnCounts(int[][] magnitudes, int neurons)
    {
        _magnitudes = magnitudes;
        _neurons = neurons;
    }

    /// <summary>The counter of a layer with <paramref name="weightTransposed"/> ([inputs, neurons]), or null where it does not apply.</summary>
    public static SortedColumnCounts? For(ReadOnlySpan<short> weightTransposed, int neurons, int thresholdGroups, bool compensated)
    {
        if (!SortedColumnFullyConnected.Applies(neurons, thresholdGroups, compensated))
        {
            return null;
        }
        var magnitudes = new int[weightTransposed.Length / neurons][];
        for (int k = 0; k < magnitudes.Length; k++)
        {
            ReadOnlySpan<short> column = weightTransposed.Slice(k * neurons, neurons);
            var nonzero = new List<int>(neurons);
            foreach (short w in column)
            {
                if (w != 0)
                {
                    nonzero.Add(Math.Abs((int)w));
                }
            }
            magnitudes[k] = [.. nonzero.OrderDescending()];
        }
        return new SortedColumnCounts(magnitudes, neurons);
    }

    /// <summary>
    /// Adds one row's counts for <paramref name="input"/> to <paramref name="stats"/>: every input scanned, a threshold looked
    /// up for each nonzero one, and the steps of its binary search for the first weight its threshold skips (as the C runs it:
    /// halving [lo, hi) while lo &lt; hi; none when the int16 threshold exceeds every weight), and the row's outputs.
    /// </summary>
    public void Add(ReadOnlySpan<short> input, int threshold, IDivisionApproximator division, LayerStatistics stats)
    {
        long nonzero = 0, steps = 0;
        var ops = default(DivisionOps);
        for (int k = 0; k < input.Length; k++)
        {
            if (input[k] == 0)
            {
                continue;
            }
            nonzero++;
            int t = division.Threshold(threshold, Math.Abs((int)input[k]), ref ops);
            if (t > short.MaxValue)
            {
                continue;
            }
            int[] column = _magnitudes[k];
            int lo = 0, hi = column.Length;
            while (lo < hi)
            {
                int mid = lo + ((hi - lo) >> 1);
                if (column[mid] > t)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
                steps++;
            }
        }
        stats.ColumnInputs += input.Length;
        stats.ColumnThresholds += nonzero;
        stats.ColumnSearchSteps += steps;
        stats.ColumnOutputs += _neurons;
    }
}
