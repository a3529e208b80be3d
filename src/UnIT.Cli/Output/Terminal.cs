using Spectre.Console;

namespace UnIT.Cli.Output;

/// <summary>Spectre.Console consoles over the writers a command was given.</summary>
internal static class Terminal
{
    /// <summary>Width used when the output is not a terminal (a file, a pipe, a test), so tables are not squeezed.</summary>
    private const int RedirectedWidth = 160;

    /// <summary>A console writing to <paramref name="writer"/>; colours only when it is an interactive terminal.</summary>
    public static IAnsiConsole For(TextWriter writer)
    {
        bool terminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = RedirectedWidth;
        }
        return console;
    }
}
