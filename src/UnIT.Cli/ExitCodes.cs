namespace UnIT.Cli;

/// <summary>The process exit codes of <c>unit-prune</c>.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command failed: a model, data file or value could not be used; stderr has one line saying why.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong: an unknown command or option, a missing or malformed value.</summary>
    public const int Usage = 2;
}
