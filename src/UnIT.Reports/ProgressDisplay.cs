using Spectre.Console;
using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>Shows a Spectre.Console progress bar while a sweep or search runs (a plain log on non-interactive consoles).</summary>
public static class ProgressDisplay
{
    /// <summary>
    /// Runs <paramref name="work"/>, feeding the progress it reports to a bar on <paramref name="console"/>; with
    /// <paramref name="show"/> false (e.g. when the command prints JSON) it runs the work without a bar or progress sink.
    /// </summary>
    /// <typeparam name="T">What the work returns.</typeparam>
    /// <param name="console">Where the bar is drawn.</param>
    /// <param name="title">A short name for the work, shown before the current step.</param>
    /// <param name="show">Whether to draw the bar.</param>
    /// <param name="work">The work; it gets the progress sink (null without a bar) to pass to <see cref="Sweep.Run"/> or <see cref="ThresholdSearch.Run"/>.</param>
    public static T Run<T>(IAnsiConsole console, string title, bool show, Func<IProgress<SweepProgress>?, T> work)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(work);
        if (!show)
        {
            return work(null);
        }
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context => work(new TaskProgress(context.AddTask(Markup.Escape(title)), title)));
    }

    /// <summary>Reports straight into the task (Spectre tasks are thread-safe), with no synchronization-context hop.</summary>
    private sealed class TaskProgress(ProgressTask task, string title) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value)
        {
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Completed;
            task.Description = Markup.Escape($"{title}: {value.Description}");
        }
    }
}
