namespace UnIT.ML.Sweeps;

/// <summary>
/// How <see cref="ThresholdSearch"/>'s greedy passes measure what a move costs on the validation set when they rank
/// moves by objective gained per damage done. Feasibility is always judged on the accuracy drop.
/// </summary>
public enum SearchDamage
{
    /// <summary>The accuracy drop against the dense model (samples lost minus samples gained).</summary>
    AccuracyDrop,

    /// <summary>
    /// The share of samples whose top-1 class differs from the dense model's, right or wrong: a count with a lower
    /// relative noise than a difference of two counts, and one that a lucky gain cannot lower.
    /// </summary>
    TopChanges,

    /// <summary>The mean drop of the true class's softmax probability against the dense model: sees damage before a sample flips.</summary>
    ProbabilityDrop,
}
