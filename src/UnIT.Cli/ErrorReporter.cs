using System.CommandLine;
using System.CommandLine.Parsing;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.Onnx;

namespace UnIT.Cli;

/// <summary>The one place that turns failures into <c>error: message</c> lines and exit codes.</summary>
internal static class ErrorReporter
{
    /// <summary>Writes the parse errors and a pointer to the help; returns <see cref="ExitCodes.Usage"/>.</summary>
    public static int ReportUsage(ParseResult parsed, TextWriter stderr)
    {
        foreach (ParseError error in parsed.Errors)
        {
            WriteLine(stderr, error.Message);
        }
        stderr.WriteLine($"Run '{CommandPath(parsed.CommandResult)} --help' for usage.");
        return ExitCodes.Usage;
    }

    /// <summary>Writes one line for <paramref name="exception"/>; returns <see cref="ExitCodes.Failure"/>.</summary>
    public static int Report(Exception exception, TextWriter stderr)
    {
        Exception e = Unwrap(exception);
        WriteLine(stderr, IsExpected(e)
            ? e.Message
            : $"unexpected {e.GetType().Name}: {e.Message} (this is a bug in {CliApp.ToolName}; please report it)");
        return ExitCodes.Failure;
    }

    /// <summary>Problems with the user's model, data or values, as opposed to bugs.</summary>
    private static bool IsExpected(Exception e) => e is OnnxImportException or GraphException or DatasetException
        or IOException or InvalidDataException or FormatException or ArgumentException or UnauthorizedAccessException;

    /// <summary>The engine runs batches in parallel, so errors may arrive wrapped.</summary>
    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: > 0 } a)
        {
            e = a.InnerExceptions[0];
        }
        return e;
    }

    private static void WriteLine(TextWriter stderr, string message) =>
        stderr.WriteLine("error: " + message.ReplaceLineEndings(" ").Trim());

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
