using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>
/// A threshold search with what its reports show: the result (validation only) and, when a held-out test set
/// was given, the chosen thresholds and the best single-percentile thresholds measured on it afterwards. Immutable.
/// </summary>
/// <param name="Result">The search result.</param>
/// <param name="Title">What was searched, e.g. "fashion_mnist_cnn, D = 1 point".</param>
/// <param name="Test">The chosen thresholds on the test set, or null.</param>
/// <param name="UniformTest">The best single-percentile thresholds (chosen on validation) on the test set, or null.</param>
public sealed record SearchReport(SearchResult Result, string Title, SweepPoint? Test = null, SweepPoint? UniformTest = null);
