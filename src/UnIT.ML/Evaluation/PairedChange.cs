namespace UnIT.ML.Evaluation;

/// <summary>
/// How a pruned model's top-1 answers differ from the dense model's on the same labelled samples: the paired counts
/// behind an accuracy drop, and its standard error.
/// </summary>
/// <param name="Lost">Samples the dense model classifies right and the pruned one wrong.</param>
/// <param name="Gained">Samples the dense model classifies wrong and the pruned one right.</param>
/// <param name="Samples">All samples compared.</param>
public sealed record PairedChange(int Lost, int Gained, int Samples)
{
    /// <summary>The standard error of the accuracy drop (Lost - Gained) / Samples: <see cref="StandardErrorOf"/>.</summary>
    public double StandardError => StandardErrorOf(Lost, Gained, Samples);

    /// <summary>
    /// sqrt(b + c - (b - c)^2 / N) / N for b samples lost and c gained out of N: the paired standard error of the drop,
    /// which counts only the samples whose correctness changed, so it is far smaller than either accuracy's own.
    /// 0 when N is 0.
    /// </summary>
    public static double StandardErrorOf(int lost, int gained, int samples) => samples > 0
        ? Math.Sqrt(Math.Max(0, lost + gained - (double)(lost - gained) * (lost - gained) / samples)) / samples
        : 0;

    /// <summary>Counts the changes between two sets of predictions of the same labelled samples.</summary>
    /// <exception cref="ArgumentException">The three lists differ in length.</exception>
    public static PairedChange Of(IReadOnlyList<int> dense, IReadOnlyList<int> pruned, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(pruned);
        ArgumentNullException.ThrowIfNull(labels);
        if (dense.Count != labels.Count || pruned.Count != labels.Count)
        {
            throw new ArgumentException($"{dense.Count} dense and {pruned.Count} pruned predictions for {labels.Count} labels.");
        }
        int lost = 0, gained = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            bool before = dense[i] == labels[i], after = pruned[i] == labels[i];
            lost += before && !after ? 1 : 0;
            gained += !before && after ? 1 : 0;
        }
        return new PairedChange(lost, gained, labels.Count);
    }
}
