using System.CommandLine;

namespace UnIT.Cli.Options;

/// <summary>
/// The options every command that writes a folder of reports takes, in the order its help lists them: <c>--out</c>,
/// <c>--force</c>, <c>--batch-size</c> and <c>--json</c>.
/// </summary>
internal sealed class ReportFolderOptions(string outDescription)
{
    /// <summary><c>--out</c>: the folder the reports go to.</summary>
    public Option<string> Out { get; } = new("--out") { Description = outDescription, HelpName = "DIR", Required = true };

    /// <summary><c>--force</c>.</summary>
    public Option<bool> Force { get; } = CommonOptions.Force();

    /// <summary><c>--batch-size</c>.</summary>
    public Option<int> BatchSize { get; } = CommonOptions.BatchSize();

    /// <summary><c>--json</c>.</summary>
    public Option<bool> Json { get; } = CommonOptions.Json();

    /// <summary>Adds the four options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(Out);
        command.Add(Force);
        command.Add(BatchSize);
        command.Add(Json);
    }
}
