using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.Onnx;

namespace UnIT.Cli;

/// <summary>
/// The one place that turns failures into <c>error: message</c> lines and exit codes. Problems with the user's
/// command line, model, data or files get their own one-line message; anything else is a bug in the tool and gets a
/// short line without internals. With <see cref="DebugVariable"/>=1 in the environment, the full exception follows.
/// </summary>
internal static class ErrorReporter
{
    /// <summary>The environment variable that, set to 1, adds the exception's details (type, stack) after the error line.</summary>
    public const string DebugVariable = "UNIT_DEBUG";

    /// <summary>Writes one line per parse error, the last with a pointer to the help; returns <see cref="ExitCodes.Usage"/>.</summary>
    public static int ReportUsage(ParseResult parsed, TextWriter stderr)
    {
        string help = $"Run '{CommandPath(parsed.CommandResult)} --help' for usage.";
        string[] messages = parsed.Errors.Select(e => e.Message).Distinct().ToArray();
        if (messages.Length == 0)
        {
            messages = ["invalid command line."];
        }
        for (int i = 0; i < messages.Length; i++)
        {
            WriteLine(stderr, i == messages.Length - 1 ? $"{OneLine(messages[i])} {help}" : messages[i]);
        }
        return ExitCodes.Usage;
    }

    /// <summary>Writes one line for <paramref name="exception"/>; returns <see cref="ExitCodes.Failure"/>.</summary>
    public static int Report(Exception exception, TextWriter stderr) =>
        Report(exception, stderr, Environment.GetEnvironmentVariable(DebugVariable) == "1");

    /// <summary>Writes one line for <paramref name="exception"/>, and its details when <paramref name="debug"/>; returns <see cref="ExitCodes.Failure"/>.</summary>
    internal static int Report(Exception exception, TextWriter stderr, bool debug)
    {
        WriteLine(stderr, UserProblem(exception) is { } problem
            ? MessageOf(problem)
            : $"internal error: {MessageOf(exception.GetBaseException())} This is a bug in {CliApp.ToolName}; please report it "
                + $"(set {DebugVariable}=1 to print the details).");
        if (debug)
        {
            stderr.WriteLine(exception.ToString());
        }
        return ExitCodes.Failure;
    }

    /// <summary>
    /// The outermost exception in the chain (inner and aggregated ones included: the engine runs batches in parallel and
    /// ML.NET wraps what its workers throw) that reports a problem with the user's input rather than a bug.
    /// </summary>
    private static Exception? UserProblem(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is AggregateException { InnerExceptions.Count: > 0 } aggregate)
            {
                return aggregate.InnerExceptions.Select(UserProblem).FirstOrDefault(p => p is not null);
            }
            if (IsUserProblem(current))
            {
                return current;
            }
        }
        return null;
    }

    /// <summary>
    /// Typed failures about the model, data, files or values; and what our own code throws on purpose, which carries a
    /// message written for the user. A null argument, or what the runtime raises inside our code (null references, bad
    /// indexes), is a bug.
    /// </summary>
    private static bool IsUserProblem(Exception e) => e is not ArgumentNullException && e is OnnxImportException or GraphException or DatasetException
        or IOException or InvalidDataException or FormatException or ArgumentException or UnauthorizedAccessException
        or JsonException or OverflowException or OutOfMemoryException
        || (e is InvalidOperationException or NotSupportedException or ArithmeticException && ThrownByUnit(e));

    private static bool ThrownByUnit(Exception e) =>
        e.TargetSite?.Module.Assembly.GetName().Name is { } name && name.StartsWith("UnIT.", StringComparison.Ordinal);

    /// <summary>The message without what only a programmer needs: parameter names, and generic runtime wording where ours is clearer.</summary>
    private static string MessageOf(Exception e) => e switch
    {
        // "Arithmetic operation resulted in an overflow." says nothing about where; a size this large only comes from the input.
        OverflowException when !ThrownByUnit(e) => "a size or count in the model or data is too large to compute (arithmetic overflow).",
        OutOfMemoryException => "not enough memory for this model and data; try a smaller --batch-size or --limit.",
        ArgumentException { ParamName: { } name } a => a.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal),
        _ => e.Message,
    };

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    private static void WriteLine(TextWriter stderr, string message) => stderr.WriteLine("error: " + OneLine(message));

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (CommandResult? r = result; r?.Parent is not null; r = r.Parent as CommandResult)
        {
            names.Insert(0, r.Command.Name);
        }
        names.Insert(0, CliApp.ToolName);
        return string.Join(' ', names);
    }
}
