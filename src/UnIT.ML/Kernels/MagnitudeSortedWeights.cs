namespace UnIT.ML.Kernels;

/// <summary>
/// A fully connected layer's weights regrouped for the UnIT kernel: per input k, its N weights ordered by
/// decreasing |w| (with the output each belongs to), so the weights an activation's threshold keeps are a prefix.
/// Built once per engine; immutable.
/// </summary>
internal sealed class MagnitudeSortedWeights
{
    /// <summary>Sorts the rows of a transposed [K, N] weight matrix.</summary>
    public MagnitudeSortedWeights(ReadOnlySpan<float> weightTransposed, int inputs, int outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
        Values = new float[inputs * outputs];
        Magnitudes = new float[inputs * outputs];
        Columns = new int[inputs * outputs];
        Nonzero = new int[inputs];
        for (int k = 0; k < inputs; k++)
        {
            ReadOnlySpan<float> row = weightTransposed.Slice(k * outputs, outputs);
            Span<float> magnitudes = Magnitudes.AsSpan(k * outputs, outputs);
            Span<int> columns = Columns.AsSpan(k * outputs, outputs);
            for (int j = 0; j < outputs; j++)
            {
                // Negated, so an ascending sort puts the largest magnitude first.
                magnitudes[j] = -MathF.Abs(row[j]);
                columns[j] = j;
                Nonzero[k] += row[j] != 0f ? 1 : 0;
            }
            magnitudes.Sort(columns);
            for (int i = 0; i < outputs; i++)
            {
                magnitudes[i] = -magnitudes[i];
                Values[k * outputs + i] = row[columns[i]];
            }
        }
    }

    /// <summary>K.</summary>
    public int Inputs { get; }

    /// <summary>N.</summary>
    public int Outputs { get; }

    /// <summary>Per input, its weights by decreasing magnitude.</summary>
    public float[] Values { get; }

    /// <summary>|<see cref="Values"/>|.</summary>
    public float[] Magnitudes { get; }

    /// <summary>The output each entry of <see cref="Values"/> belongs to.</summary>
    public int[] Columns { get; }

    /// <summary>Per input, how many of its weights are nonzero.</summary>
    public int[] Nonzero { get; }

    /// <summary>How many of input <paramref name="k"/>'s weights have |w| &gt; <paramref name="t"/> (a prefix of its row, found by bisection).</summary>
    public int Kept(int k, float t)
    {
        ReadOnlySpan<float> m = Magnitudes.AsSpan(k * Outputs, Outputs);
        int lo = 0, hi = m.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (m[mid] > t)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
