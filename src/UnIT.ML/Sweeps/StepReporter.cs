namespace UnIT.ML.Sweeps;

/// <summary>Counts finished steps and reports <see cref="SweepProgress"/>; safe to call from parallel steps.</summary>
internal sealed class StepReporter(IProgress<SweepProgress>? progress, int total)
{
    private readonly object _gate = new();
    private int _completed;
    private int _total = total;

    /// <summary>Plans <paramref name="steps"/> more steps (e.g. calibrations a search decides on as it goes).</summary>
    public void Add(int steps)
    {
        lock (_gate)
        {
            _total += steps;
        }
    }

    /// <summary>Reports that a step named <paramref name="description"/> begins.</summary>
    public void Start(string description)
    {
        lock (_gate)
        {
            progress?.Report(new SweepProgress(_completed, _total, description));
        }
    }

    /// <summary>Counts one finished step.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            _completed++;
        }
    }

    /// <summary>Reports the end: all steps complete (a search may finish under its budget).</summary>
    public void Done()
    {
        lock (_gate)
        {
            _completed = _total;
            progress?.Report(new SweepProgress(_total, _total, "done"));
        }
    }
}
