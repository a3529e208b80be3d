namespace UnIT.ML.Tests;

/// <summary>
/// What a test does when something it needs from outside the repository (a Debian tool or data package) is missing:
/// under CI (<c>CI=true</c>, where .ci/run installs everything) it fails; elsewhere it is Inconclusive, which the test
/// runners report as skipped, never as passed.
/// </summary>
internal static class Prerequisite
{
    /// <summary>True when the environment variable CI is "true" or "1", as CI services set it.</summary>
    public static bool InCi => Environment.GetEnvironmentVariable("CI")?.Trim().ToLowerInvariant() is "true" or "1";

    /// <summary>
    /// The exception to throw when <paramref name="what"/> (what is missing and how to get it) is missing: a failure
    /// under CI, else Inconclusive.
    /// </summary>
    public static Exception Missing(string what) => InCi
        ? new AssertFailedException($"{what} Under CI=true a missing prerequisite is a failure (.ci/run installs it).")
        : new AssertInconclusiveException($"{what} Inconclusive (reported as skipped) outside CI; under CI=true this fails.");
}
