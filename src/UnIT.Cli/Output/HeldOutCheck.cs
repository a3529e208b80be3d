using System.Globalization;
using UnIT.ML.Data;

namespace UnIT.Cli.Output;

/// <summary>Warns when the test samples a command reports on are not held out from the samples its choice was made on.</summary>
internal static class HeldOutCheck
{
    /// <summary>
    /// Writes one warning line to <paramref name="error"/> when samples of <paramref name="test"/> also occur, value for
    /// value, in <paramref name="chosenOn"/> (the validation samples a setting was chosen on, or the calibration samples
    /// thresholds were fitted to, as <paramref name="role"/> names them): the run goes on (a deliberate check on the
    /// test set is allowed), but its test figures are then not held-out figures.
    /// </summary>
    public static void Warn(TextWriter error, SampleSet chosenOn, SampleSet? test, string role = "validation")
    {
        int shared = test?.CountSharedWith(chosenOn) ?? 0;
        if (shared == 0)
        {
            return;
        }
        error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"warning: {shared:N0} of the {test!.Count:N0} test samples of '{test.Source}' also occur, value for value, among the {role} samples of '{chosenOn.Source}'; the test figures are not held out."));
    }
}
