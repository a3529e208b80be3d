using System.Text.Json.Serialization;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.ML.Shift;

/// <summary>What <see cref="ShiftComparison"/> runs. Immutable; change with <c>with</c>.</summary>
public sealed record ShiftOptions
{
    /// <summary>The UnIT calibration percentile (one for every layer), calibrated on the clean data; unused with <see cref="Thresholds"/>.</summary>
    public double Percentile { get; init; } = 50;

    /// <summary>
    /// UnIT thresholds to use instead of calibrating <see cref="Percentile"/>, e.g. a search's (saved with their division,
    /// corrections and Q formats); they must have been saved for <see cref="Profile"/>. Reported in each row's point.
    /// </summary>
    [JsonIgnore]
    public ThresholdSet? Thresholds { get; init; }

    /// <summary>How the given <see cref="Thresholds"/> were made ("search", "percentile", ...), or null when <see cref="Percentile"/> was calibrated; for reports.</summary>
    public string? GivenThresholds => Thresholds?.Method;

    /// <summary>
    /// A model of the same task pruned, and usually fine-tuned, in training (e.g. fashion_mnist_cnn_ttp70.onnx): the
    /// paper's train-time pruning baseline. Each row then also reports it as it is (its zero weights skip MACs) and with
    /// UnIT on top, calibrated on the clean calibration data at <see cref="TrainTimePercentile"/>. Null for none.
    /// </summary>
    [JsonIgnore]
    public ModelGraph? TrainTimePruned { get; init; }

    /// <summary>
    /// The UnIT percentile on top of <see cref="TrainTimePruned"/> (one for every layer); null for <see cref="Percentile"/>.
    /// A model with most weights at zero has fewer, larger products, so the same percentile skips far more there.
    /// </summary>
    public double? TrainTimePercentile { get; init; }

    /// <summary>The percentile UnIT runs at on top of <see cref="TrainTimePruned"/>: <see cref="TrainTimePercentile"/>, else <see cref="Percentile"/>.</summary>
    [JsonIgnore]
    public double TrainTimeUnitPercentile => TrainTimePercentile ?? Percentile;

    /// <summary>The name of <see cref="TrainTimePruned"/>, or null; for reports.</summary>
    public string? TrainTimePrunedModel => TrainTimePruned?.Name;

    /// <summary>The shifts, each at its <see cref="Strengths"/> or else its <see cref="ImageShift.DefaultStrengths"/>; default all.</summary>
    public IReadOnlyList<ShiftKind> Kinds { get; init; } = Enum.GetValues<ShiftKind>();

    /// <summary>
    /// Strengths that replace a kind's <see cref="ImageShift.DefaultStrengths"/>, in the kind's unit (degrees, noise sigma,
    /// brightness offset, contrast reduction 0..1, occluder side 0..1 of the height), run in the order given; a kind
    /// not named keeps its defaults. Every kind named must be among <see cref="Kinds"/>.
    /// </summary>
    public IReadOnlyDictionary<ShiftKind, IReadOnlyList<double>>? Strengths { get; init; }

    /// <summary>
    /// The range the test images' pixels span (default [0, 1]; [0, 255] for raw bytes): rotation and occlusion fill with
    /// its black, noise and brightness clip to it, and their strengths are fractions of its width.
    /// </summary>
    public PixelRange PixelRange { get; init; } = PixelRange.Unit;

    /// <summary>Seeds every random draw of the shifts.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Target profile (float32, max78000, msp430).</summary>
    public string Profile { get; init; } = TargetProfile.DefaultName;

    /// <summary>Bisection steps that match the magnitude-pruning sparsity to UnIT's MACs skipped on the clean data.</summary>
    public int MatchSteps { get; init; } = 10;

    /// <summary>The strengths <paramref name="kind"/> runs at: its <see cref="Strengths"/> if given, else its defaults.</summary>
    public IReadOnlyList<double> StrengthsOf(ShiftKind kind) =>
        Strengths is not null && Strengths.TryGetValue(kind, out IReadOnlyList<double>? given) ? given : ImageShift.DefaultStrengths(kind);

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad value.</summary>
    /// <param name="graph">The model the options are for: when given, <see cref="TrainTimePruned"/> must take its samples and score its classes.</param>
    public void Validate(ModelGraph? graph = null)
    {
        if (!(Percentile >= 0 && Percentile <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(Percentile), Percentile, "The percentile must be between 0 and 100.");
        }
        if (TrainTimePercentile is double t && !(t >= 0 && t <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(TrainTimePercentile), t, "The train-time percentile must be between 0 and 100.");
        }
        if (Kinds is null || Kinds.Count == 0 || Kinds.Any(k => !Enum.IsDefined(k)))
        {
            throw new ArgumentException("Give at least one known shift kind.", nameof(Kinds));
        }
        foreach ((ShiftKind kind, IReadOnlyList<double> strengths) in Strengths ?? new Dictionary<ShiftKind, IReadOnlyList<double>>())
        {
            if (!Kinds.Contains(kind))
            {
                throw new ArgumentException($"Strengths are given for {kind}, which is not among the shifts to run ({string.Join(", ", Kinds)}).", nameof(Strengths));
            }
            if (strengths is null || strengths.Count == 0)
            {
                throw new ArgumentException($"No strength is given for {kind}; leave it out of the strengths to run its defaults.", nameof(Strengths));
            }
            if (strengths.Select(s => ImageShift.StrengthProblem(kind, s)).FirstOrDefault(p => p is not null) is { } problem)
            {
                throw new ArgumentOutOfRangeException(nameof(Strengths), problem);
            }
            if (strengths.Distinct().Count() < strengths.Count)
            {
                throw new ArgumentException($"A strength of {kind} is given twice ({string.Join(", ", strengths)}).", nameof(Strengths));
            }
        }
        if (graph is not null && TrainTimePruned is { } pruned)
        {
            Shape input = graph.Input.Shape, other = pruned.Input.Shape;
            if (!input.Dimensions[1..].SequenceEqual(other.Dimensions[1..]) || graph.Outputs[0].Shape.SampleSize != pruned.Outputs[0].Shape.SampleSize)
            {
                throw new ArgumentException($"The train-time pruned model '{pruned.Name}' takes {other} and gives {pruned.Outputs[0].Shape}, but model '{graph.Name}' takes {input} and gives {graph.Outputs[0].Shape}: both must take the same samples and score the same classes.", nameof(TrainTimePruned));
            }
        }
        if (PixelRange.Problem() is { } range)
        {
            throw new ArgumentException(range, nameof(PixelRange));
        }
        if (MatchSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MatchSteps), MatchSteps, "At least one bisection step is needed.");
        }
        string profile = TargetProfile.FromName(Profile).Name;
        if (Thresholds?.Profile is { } saved && saved != profile)
        {
            throw new ArgumentException($"The thresholds were saved for profile '{saved}'; run with that profile, not '{Profile}'.", nameof(Thresholds));
        }
    }
}
