using System.CommandLine;
using System.CommandLine.Invocation;
using UnIT.Cli.Commands;

namespace UnIT.Cli;

/// <summary>
/// The <c>unit-prune</c> command-line tool: builds the command tree and runs it with the given writers,
/// so that it can be run in-process (tests) as well as from <c>Program</c>.
/// </summary>
public static class CliApp
{
    /// <summary>The tool's name, as typed on the command line.</summary>
    public const string ToolName = "unit-prune";

    /// <summary>Builds the root command with all subcommands.</summary>
    public static RootCommand BuildRootCommand() => new("unit-prune: inspect, run and prune ONNX CNNs with UnIT inference-time pruning.")
    {
        InspectCommand.Create(),
        PredictCommand.Create(),
        EvaluateCommand.Create(),
        FitCommand.Create(),
        ScoreCommand.Create(),
        SweepCommand.Create(),
        SearchCommand.Create(),
    };

    /// <summary>
    /// Parses and runs <paramref name="args"/>. Results go to <paramref name="stdout"/>; errors go to
    /// <paramref name="stderr"/> as lines <c>error: message</c>, without stack traces (unless <c>UNIT_DEBUG=1</c>).
    /// The writers are not disposed.
    /// </summary>
    /// <param name="args">The command-line arguments, without the tool name.</param>
    /// <param name="stdout">Where results and help go.</param>
    /// <param name="stderr">Where errors go.</param>
    /// <returns>An exit code from <see cref="ExitCodes"/>.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            // Parsing runs the option parsers and validators, so it sits inside the handler too.
            ParseResult parsed = BuildRootCommand().Parse(args);
            if (parsed.Action is ParseErrorAction)
            {
                return ErrorReporter.ReportUsage(parsed, stderr);
            }
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return ErrorReporter.Report(e, stderr);
        }
    }
}
