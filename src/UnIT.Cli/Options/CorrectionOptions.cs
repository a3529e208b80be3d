using System.CommandLine;
using System.CommandLine.Parsing;

namespace UnIT.Cli.Options;

/// <summary>
/// <c>--bias-correction</c>, <c>--skip-compensation</c> and <c>--correction-samples</c>, as every command that calibrates
/// thresholds takes them (evaluate, fit, the device benches, sweep, search and compare).
/// </summary>
/// <param name="scope">Appended to the descriptions where a command applies them to part of its work only; null for none.</param>
internal sealed class CorrectionOptions(string? scope = null)
{
    private static readonly Func<ArgumentResult, int> ParseSamples = OptionParsers.Count("--correction-samples");

    /// <summary><c>--bias-correction</c>.</summary>
    public Option<bool> BiasCorrection { get; } = new("--bias-correction")
    {
        Description = "Add to each layer's bias, per output channel / neuron, the mean its skipped MACs took on the calibration data " +
            "(free at inference; saved with the thresholds)." + scope,
    };

    /// <summary><c>--skip-compensation</c>.</summary>
    public Option<bool> SkipCompensation { get; } = new("--skip-compensation")
    {
        Description = "A MAC the threshold skips adds a constant calibrated for its weight (w times the mean activation it skips) " +
            "instead of nothing: no multiply, one add (saved with the thresholds and carried into the exported C)." + scope,
    };

    /// <summary><c>--correction-samples</c>: null means every calibration sample.</summary>
    public Option<int?> Samples { get; } = new("--correction-samples")
    {
        Description = "Measure --bias-correction and --skip-compensation on the first N calibration samples only (default: all; thresholds " +
            "still use all). Each pass over them is paid once per calibration, and by a search once per state." + scope,
        HelpName = "N",
        CustomParser = r => ParseSamples(r),
    };

    /// <summary>Adds the options to <paramref name="command"/>, and refuses <c>--correction-samples</c> with nothing to measure.</summary>
    public void AddTo(Command command)
    {
        command.Add(BiasCorrection);
        command.Add(SkipCompensation);
        command.Add(Samples);
        command.Validators.Add(r =>
        {
            if (r.GetResult(Samples) is { Implicit: false } && !r.GetValue(BiasCorrection) && !r.GetValue(SkipCompensation))
            {
                r.AddError("--correction-samples sets the samples of --bias-correction and --skip-compensation; give one of them too.");
            }
        });
    }
}
