using System.CommandLine;

namespace UnIT.Cli.Options;

/// <summary>
/// <c>--bias-correction</c> and <c>--skip-compensation</c>, as every command that calibrates thresholds takes them
/// (evaluate, fit, the device benches, search and compare).
/// </summary>
/// <param name="scope">Appended to both descriptions where a command applies them to part of its work only; null for none.</param>
internal sealed class CorrectionOptions(string? scope = null)
{
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

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(BiasCorrection);
        command.Add(SkipCompensation);
    }
}
