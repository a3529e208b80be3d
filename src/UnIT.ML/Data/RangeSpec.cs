using System.Globalization;

namespace UnIT.ML.Data;

/// <summary>
/// A range of sample indices: <see cref="Start"/> inclusive, <see cref="End"/> exclusive, or to the
/// end of the file when <see cref="End"/> is null. Written <c>START:END</c> or <c>START:</c>.
/// </summary>
/// <param name="Start">Index of the first sample (0-based).</param>
/// <param name="End">Index one past the last sample, or null for "to the end".</param>
public readonly record struct RangeSpec(int Start, int? End)
{
    /// <summary>Every sample of the file.</summary>
    public static RangeSpec All => new(0, null);

    /// <summary>
    /// Parses <c>START:END</c> (end exclusive) or <c>START:</c> (to the end).
    /// Throws <see cref="FormatException"/> naming <paramref name="optionName"/> and the text when the syntax is bad.
    /// </summary>
    /// <param name="text">The text to parse, e.g. <c>100:200</c>.</param>
    /// <param name="optionName">How the text was given (e.g. <c>--range</c>), for the error message.</param>
    public static RangeSpec Parse(string text, string optionName = "range")
    {
        ArgumentNullException.ThrowIfNull(text);
        string Problem(string what) =>
            $"Invalid {optionName} '{text}': {what}. Expected START:END (END exclusive) or START: (to the end), e.g. 0:1000.";
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || text.IndexOf(':', colon + 1) >= 0)
        {
            throw new FormatException(Problem("it needs exactly one ':'"));
        }
        if (!TryParseIndex(text[..colon], out int start))
        {
            throw new FormatException(Problem("START must be a whole number >= 0"));
        }
        string endText = text[(colon + 1)..];
        if (endText.Trim().Length == 0)
        {
            return new RangeSpec(start, null);
        }
        if (!TryParseIndex(endText, out int end))
        {
            throw new FormatException(Problem("END must be a whole number >= 0 or empty"));
        }
        if (end <= start)
        {
            throw new FormatException(Problem("END must be greater than START"));
        }
        return new RangeSpec(start, end);
    }

    /// <summary>
    /// The first index and the number of samples this range selects from <paramref name="total"/>
    /// samples, at most <paramref name="limit"/> of them. Throws <see cref="DatasetException"/> naming
    /// <paramref name="source"/> when the range lies beyond the file or selects nothing.
    /// </summary>
    /// <param name="total">Number of samples in the file.</param>
    /// <param name="limit">The most samples to take from the start of the range, or null for no limit.</param>
    /// <param name="source">The file, for error messages.</param>
    public (int Start, int Count) Resolve(int total, int? limit, string source)
    {
        if (Start < 0 || End < Start)
        {
            throw new ArgumentException($"Range {this} is not valid: START must be >= 0 and END > START.", nameof(Start));
        }
        if (limit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"The sample limit must be positive; got {limit}.");
        }
        if (total == 0)
        {
            throw new DatasetException($"'{source}' holds no samples.");
        }
        if (Start >= total || End > total)
        {
            throw new DatasetException($"Range {this} lies beyond the {total} samples in '{source}' (valid indices are 0 to {total - 1}).");
        }
        int count = (End ?? total) - Start;
        return (Start, limit is int l ? Math.Min(l, count) : count);
    }

    /// <summary>Formats as <c>START:END</c> or <c>START:</c>.</summary>
    public override string ToString() => End is int end
        ? string.Create(CultureInfo.InvariantCulture, $"{Start}:{end}")
        : string.Create(CultureInfo.InvariantCulture, $"{Start}:");

    private static bool TryParseIndex(string s, out int value) =>
        int.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
