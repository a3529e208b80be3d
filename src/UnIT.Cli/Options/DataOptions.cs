using System.CommandLine;
using System.CommandLine.Parsing;
using UnIT.ML.Data;
using UnIT.ML.Graph;

namespace UnIT.Cli.Options;

/// <summary>
/// One group of data options: <c>--images</c>, <c>--labels</c>, <c>--range</c> and <c>--limit</c>, or the
/// same with a prefix (<c>--calibration-images</c>, <c>--calibration-range</c>, ...) so that a command can
/// take several data sets. Create one instance per command (options belong to one command).
/// </summary>
internal sealed class DataOptions
{
    /// <summary>Creates the options.</summary>
    /// <param name="prefix">Prepended to each option name with a dash, e.g. <c>calibration</c>; empty for none.</param>
    /// <param name="role">What the data is for, for the help text, e.g. <c>Calibration</c>.</param>
    /// <param name="withLabels">Whether the group has a labels option.</param>
    /// <param name="required">Whether the images option must be given.</param>
    public DataOptions(string prefix = "", string role = "Input", bool withLabels = true, bool required = true)
    {
        string Name(string option) => prefix.Length == 0 ? $"--{option}" : $"--{prefix}-{option}";
        Images = new Option<string>(Name("images"))
        {
            Description = $"{role} samples: an IDX image file or a CSV file (one sample per row), raw or gzip.",
            HelpName = "file",
            Required = required,
        };
        Labels = withLabels
            ? new Option<string>(Name("labels")) { Description = $"{role} labels: an IDX label file or a one-column CSV file.", HelpName = "file" }
            : null;
        Range = new Option<RangeSpec?>(Name("range"))
        {
            Description = $"{role} samples to use: START:END (END exclusive) or START: (to the end).",
            HelpName = "START:END",
            CustomParser = OptionParsers.Range(Name("range")),
        };
        Func<ArgumentResult, int> parseLimit = OptionParsers.Count(Name("limit"));
        Limit = new Option<int?>(Name("limit"))
        {
            Description = $"Use at most this many {role.ToLowerInvariant()} samples from the start of the range.",
            HelpName = "N",
            CustomParser = r => parseLimit(r),
        };
    }

    /// <summary>The samples file.</summary>
    public Option<string> Images { get; }

    /// <summary>The labels file, or null when the group has none.</summary>
    public Option<string>? Labels { get; }

    /// <summary>Which samples to use.</summary>
    public Option<RangeSpec?> Range { get; }

    /// <summary>How many samples to use at most.</summary>
    public Option<int?> Limit { get; }

    /// <summary>Adds the options of this group to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(Images);
        if (Labels is not null)
        {
            command.Add(Labels);
        }
        command.Add(Range);
        command.Add(Limit);
    }

    /// <summary>
    /// Loads the selected samples (with labels when given), or returns null when the images option was not given.
    /// With <paramref name="model"/>, the files are checked against its input size and class count before they are read.
    /// </summary>
    public SampleSet? Load(ParseResult result, ModelGraph? model = null)
    {
        string? images = result.GetValue(Images);
        if (images is null)
        {
            return null;
        }
        string? labels = Labels is null ? null : result.GetValue(Labels);
        // A classifier's output holds one score per class past the batch axis; labels beyond them can never be predicted.
        Shape? output = model?.Outputs[0].Shape;
        int? classes = output is { Rank: >= 2 } && output.SampleSize >= 2 ? output.SampleSize : null;
        return DatasetLoader.Load(images, labels, result.GetValue(Range), result.GetValue(Limit), model?.Input.Shape, classes);
    }
}
