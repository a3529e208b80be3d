namespace UnIT.ML.Sweeps;

/// <summary>
/// Progress of a <see cref="Sweep"/> or a <see cref="ThresholdSearch"/>, reported before each step and once at the end.
/// </summary>
/// <param name="Completed">Steps finished (calibrations and evaluations).</param>
/// <param name="Total">Steps planned; for a search, the evaluation budget plus its calibrations (it may stop earlier).</param>
/// <param name="Description">What runs now, e.g. "UnIT exact (float32) p=50"; "done" at the end.</param>
public readonly record struct SweepProgress(int Completed, int Total, string Description);
