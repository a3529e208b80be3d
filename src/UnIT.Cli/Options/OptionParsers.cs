using System.CommandLine.Parsing;
using System.Globalization;
using UnIT.ML.Data;

namespace UnIT.Cli.Options;

/// <summary>Parsers for option values that report bad input as usage errors naming the option.</summary>
internal static class OptionParsers
{
    /// <summary>Parses <c>START:END</c> or <c>START:</c> for the option <paramref name="optionName"/>.</summary>
    public static Func<ArgumentResult, RangeSpec?> Range(string optionName) => result =>
    {
        try
        {
            return RangeSpec.Parse(result.Tokens.Single().Value, optionName);
        }
        catch (FormatException e)
        {
            result.AddError(e.Message);
            return null;
        }
    };

    /// <summary>Parses a whole number of at least <paramref name="minimum"/> for the option <paramref name="optionName"/>.</summary>
    public static Func<ArgumentResult, int> Count(string optionName, int minimum = 1) => result =>
    {
        string text = result.Tokens.Single().Value;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= minimum)
        {
            return value;
        }
        result.AddError($"Invalid {optionName} '{text}': expected a whole number >= {minimum}.");
        return minimum;
    };
}
