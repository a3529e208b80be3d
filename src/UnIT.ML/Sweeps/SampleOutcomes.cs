using UnIT.ML.Evaluation;

namespace UnIT.ML.Sweeps;

/// <summary>
/// What a pruned run did to each validation sample against the dense model: lost (dense right, pruned wrong), gained
/// (the reverse), top-1 class changed, and the drop of the true class's softmax probability. Gives the accuracy drop,
/// its paired standard error and the smoother damage measures of <see cref="SearchDamage"/> on the whole set or on one
/// of its two interleaved halves (even / odd sample indices).
/// </summary>
internal sealed class SampleOutcomes
{
    private readonly sbyte[] _change;
    private readonly bool[] _topChanged;
    private readonly float[] _probabilityDrop;
    private readonly int _originals;

    private SampleOutcomes(sbyte[] change, bool[] topChanged, float[] probabilityDrop, int originals)
    {
        _change = change;
        _topChanged = topChanged;
        _probabilityDrop = probabilityDrop;
        _originals = originals;
    }

    /// <summary>
    /// The same outcomes read as <paramref name="originals"/> images and their shifted copies (sample i is a copy of
    /// image i mod originals, <see cref="ValidationShifts"/>): the halves split the images, copies and all, and the
    /// standard error treats each image with its copies as one cluster.
    /// </summary>
    public SampleOutcomes WithOriginals(int originals) => new(_change, _topChanged, _probabilityDrop, originals);

    /// <summary>Compares the pruned logits with the dense ones, sample by sample.</summary>
    /// <param name="denseLogits">The dense model's logits, [N * classes] row-major.</param>
    /// <param name="labels">One label per sample.</param>
    /// <param name="prunedLogits">The pruned model's logits, one row per sample.</param>
    public static SampleOutcomes Measure(float[] denseLogits, IReadOnlyList<int> labels, float[][] prunedLogits)
    {
        int n = labels.Count;
        int classes = denseLogits.Length / Math.Max(1, n);
        var change = new sbyte[n];
        var topChanged = new bool[n];
        var probabilityDrop = new float[n];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> dense = denseLogits.AsSpan(i * classes, classes);
            float[] pruned = prunedLogits[i];
            int denseTop = ClassificationMetrics.ArgMax(dense, classes)[0];
            int prunedTop = ClassificationMetrics.ArgMax(pruned, classes)[0];
            bool denseRight = denseTop == labels[i], prunedRight = prunedTop == labels[i];
            change[i] = (sbyte)(denseRight && !prunedRight ? -1 : !denseRight && prunedRight ? 1 : 0);
            topChanged[i] = denseTop != prunedTop;
            probabilityDrop[i] = (float)(Probability(dense, labels[i]) - Probability(pruned, labels[i]));
        }
        return new SampleOutcomes(change, topChanged, probabilityDrop, n);
    }

    /// <summary>The samples of the whole set (null) or of one half (0: even image indices, 1: odd).</summary>
    public int Count(int? half) => Samples(half).Count();

    /// <summary>Accuracy drop on the whole set or one half (positive is a loss).</summary>
    public double Drop(int? half)
    {
        (int lost, int gained) = LostGained(half);
        return (lost - gained) / (double)Math.Max(1, Count(half));
    }

    /// <summary>
    /// Paired standard error of <see cref="Drop"/>, as <see cref="SweepPoint.AccuracyDropStandardError"/>; with shifted
    /// copies (<see cref="WithOriginals"/>), the cluster standard error over the images, since an image's copies tend
    /// to flip together.
    /// </summary>
    public double StandardError(int? half)
    {
        double n = Math.Max(1, Count(half));
        if (_originals == _change.Length)
        {
            (int b, int c) = LostGained(half);
            return PairedChange.StandardErrorOf(b, c, (int)n);
        }
        int[] images = Enumerable.Range(0, _originals).Where(j => half is null || j % 2 == half).ToArray();
        var sums = new double[_originals];
        foreach (int i in Samples(half))
        {
            sums[i % _originals] -= _change[i];
        }
        double mean = images.Sum(j => sums[j]) / Math.Max(1, images.Length);
        double squares = images.Sum(j => (sums[j] - mean) * (sums[j] - mean));
        return images.Length < 2 ? 0 : Math.Sqrt(squares * images.Length / (images.Length - 1)) / n;
    }

    /// <summary>The damage measure <paramref name="damage"/> on the whole set or one half.</summary>
    public double Damage(SearchDamage damage, int? half)
    {
        if (damage == SearchDamage.AccuracyDrop)
        {
            return Drop(half);
        }
        double sum = 0;
        foreach (int i in Samples(half))
        {
            // A NaN logit makes the probability unknown: count the sample as fully lost.
            sum += damage == SearchDamage.TopChanges ? (_topChanged[i] ? 1 : 0) : float.IsNaN(_probabilityDrop[i]) ? 1 : _probabilityDrop[i];
        }
        return sum / Math.Max(1, Count(half));
    }

    /// <summary>Samples lost (dense right, pruned wrong) and gained (the reverse) on the whole set or one half.</summary>
    public (int Lost, int Gained) LostGained(int? half)
    {
        int lost = 0, gained = 0;
        foreach (int i in Samples(half))
        {
            lost += _change[i] < 0 ? 1 : 0;
            gained += _change[i] > 0 ? 1 : 0;
        }
        return (lost, gained);
    }

    /// <summary>The indices of the samples of the whole set or of one half.</summary>
    private IEnumerable<int> Samples(int? half) =>
        Enumerable.Range(0, _change.Length).Where(i => half is null || i % _originals % 2 == half);

    private static double Probability(ReadOnlySpan<float> logits, int label)
    {
        float max = float.NegativeInfinity;
        foreach (float v in logits)
        {
            max = Math.Max(max, v);
        }
        double sum = 0;
        foreach (float v in logits)
        {
            sum += Math.Exp(v - max);
        }
        return (uint)label < (uint)logits.Length ? Math.Exp(logits[label] - max) / sum : 0;
    }
}
