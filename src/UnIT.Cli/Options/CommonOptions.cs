using System.CommandLine;

namespace UnIT.Cli.Options;

/// <summary>Options and arguments that several commands share; each call creates a new instance for one command.</summary>
internal static class CommonOptions
{
    /// <summary>The default number of samples run together.</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>The ONNX model file argument.</summary>
    public static Argument<string> Model() => new("model") { Description = "The ONNX model file." };

    /// <summary><c>--json</c>: print machine-readable JSON instead of tables.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print JSON (snake_case keys) instead of a table." };

    /// <summary><c>--force</c>: let the command overwrite output files that exist.</summary>
    public static Option<bool> Force() => new("--force") { Description = "Overwrite output files that exist." };

    /// <summary><c>--batch-size</c>: samples per engine run.</summary>
    public static Option<int> BatchSize() => new("--batch-size")
    {
        Description = "Samples run together; larger batches use more cores and memory.",
        HelpName = "N",
        DefaultValueFactory = _ => DefaultBatchSize,
        CustomParser = OptionParsers.Count("--batch-size"),
    };
}
