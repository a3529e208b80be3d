using System.CommandLine.Parsing;
using System.Globalization;
using UnIT.ML.Data;

namespace UnIT.Cli.Options;

/// <summary>
/// Parsers for option values that report bad input as usage errors naming the option and the text. Numbers are
/// read in the invariant culture, with '.' as the only decimal point and no thousands separators, hex, spaces,
/// NaN or infinities, so that what the user typed is the number the tool uses or a usage error, never another number.
/// </summary>
internal static class OptionParsers
{
    /// <summary>The only number forms accepted: optional sign, digits with an optional '.', optional exponent.</summary>
    private const NumberStyles Decimal = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

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
        result.AddError($"Invalid {optionName} '{text}': expected a whole number >= {minimum} (digits only).");
        return minimum;
    };

    /// <summary>Parses one finite number in <paramref name="range"/> for the option <paramref name="optionName"/>.</summary>
    public static Func<ArgumentResult, double> Number(string optionName, NumberRange range) => result =>
    {
        string text = result.Tokens.Single().Value;
        if (TryParse(text, range, out double value))
        {
            return value;
        }
        string hint = text.Contains(',', StringComparison.Ordinal) ? " (one number; '.' is the decimal point)" : "";
        result.AddError($"Invalid {optionName} '{text}': expected a number {range}{hint}.");
        return range.Min;
    };

    /// <summary>Parses a whole number in [<paramref name="minimum"/>, <paramref name="maximum"/>] (a leading minus allowed) for <paramref name="optionName"/>.</summary>
    public static Func<ArgumentResult, int?> OptionalInteger(string optionName, int minimum, int maximum) => result =>
    {
        string text = result.Tokens.Single().Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= minimum && value <= maximum)
        {
            return value;
        }
        result.AddError($"Invalid {optionName} '{text}': expected a whole number from {minimum} to {maximum}.");
        return null;
    };

    /// <summary>As <see cref="Number"/>, for an option whose value may be left out.</summary>
    public static Func<ArgumentResult, double?> OptionalNumber(string optionName, NumberRange range)
    {
        Func<ArgumentResult, double> parse = Number(optionName, range);
        return result => parse(result);
    }

    /// <summary>As <see cref="Number"/>, for a float option (<see cref="NumberRange.AtLeast"/> keeps it finite as a float).</summary>
    public static Func<ArgumentResult, float> Float(string optionName, NumberRange range)
    {
        Func<ArgumentResult, double> parse = Number(optionName, range);
        return result => (float)parse(result);
    }

    /// <summary>
    /// Parses comma-separated finite numbers in <paramref name="range"/> for the option <paramref name="optionName"/>
    /// (one or more tokens), returning them distinct and sorted.
    /// </summary>
    public static Func<ArgumentResult, double[]> NumberList(string optionName, NumberRange range) => result =>
    {
        var values = new List<double>();
        foreach (string item in Items(result, optionName))
        {
            if (!TryParse(item, range, out double v))
            {
                result.AddError($"Invalid {optionName} value '{item}': expected numbers {range}, separated by commas ('.' is the decimal point).");
                return [];
            }
            values.Add(v);
        }
        return values.Distinct().Order().ToArray();
    };

    /// <summary>Parses one of <paramref name="valid"/> (case-insensitive, returned in lower case) for the option <paramref name="optionName"/>.</summary>
    public static Func<ArgumentResult, string> Name(string optionName, IReadOnlyList<string> valid) => result =>
    {
        string text = result.Tokens.Single().Value;
        string name = text.Trim().ToLowerInvariant();
        if (!valid.Contains(name))
        {
            result.AddError($"Invalid {optionName} '{text}': expected one of {string.Join(", ", valid)}.");
        }
        return name;
    };

    /// <summary>Parses comma-separated names, each one of <paramref name="valid"/> (case-insensitive), to lower case, distinct.</summary>
    public static Func<ArgumentResult, string[]> NameList(string optionName, IReadOnlyList<string> valid) => result =>
    {
        string[] names = Items(result, optionName).Select(n => n.ToLowerInvariant()).Distinct().ToArray();
        foreach (string name in names.Where(n => !valid.Contains(n)))
        {
            result.AddError($"Invalid {optionName} value '{name}': expected one or more of {string.Join(", ", valid)}, separated by commas.");
        }
        return names;
    };

    /// <summary>Whether <paramref name="text"/> is a finite number (strict invariant form) inside <paramref name="range"/>.</summary>
    public static bool TryParse(string text, NumberRange range, out double value) =>
        double.TryParse(text, Decimal, CultureInfo.InvariantCulture, out value) && double.IsFinite(value) && range.Contains(value);

    /// <summary>The comma-separated items of all the option's tokens, trimmed; an empty item is an error naming the option.</summary>
    public static List<string> Items(ArgumentResult result, string optionName)
    {
        var items = new List<string>();
        foreach (Token token in result.Tokens)
        {
            string[] parts = token.Value.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Any(p => p.Length == 0))
            {
                result.AddError($"Invalid {optionName} '{token.Value}': empty value; give one or more values separated by commas.");
                return [];
            }
            items.AddRange(parts);
        }
        return items;
    }
}
