using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
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
    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("unit-prune: inspect, run and prune ONNX CNNs with UnIT inference-time pruning.")
        {
            InspectCommand.Create(),
            PredictCommand.Create(),
            EvaluateCommand.Create(),
            FitCommand.Create(),
            ScoreCommand.Create(),
            SweepCommand.Create(),
            SearchCommand.Create(),
            CompareCommand.Create(),
            ShiftCommand.Create(),
            BenchCommand.Create(),
            ExportCCommand.Create(),
            McuBenchCommand.Create(),
            M4BenchCommand.Create(),
        };
        foreach (Command command in root.Subcommands)
        {
            command.Validators.Add(RefuseBlankPaths);
        }
        return root;
    }

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

    /// <summary>
    /// An empty or blank file or folder name is a usage error naming the option, caught here once for every plain
    /// string option and argument (the ones with their own parser check their values themselves).
    /// </summary>
    private static void RefuseBlankPaths(CommandResult result)
    {
        IEnumerable<(string Name, SymbolResult? Result)> paths = result.Command.Options
            .Where(o => o is Option<string> { CustomParser: null })
            .Select(o => (o.Name, (SymbolResult?)result.GetResult(o)))
            .Concat(result.Command.Arguments.Where(a => a is Argument<string>).Select(a => ($"<{a.Name}>", (SymbolResult?)result.GetResult(a))));
        foreach ((string name, SymbolResult? symbol) in paths)
        {
            if (symbol?.Tokens.FirstOrDefault(t => string.IsNullOrWhiteSpace(t.Value)) is { } blank)
            {
                result.AddError($"Invalid {name} '{blank.Value}': expected a file or folder path.");
            }
        }
    }
}
