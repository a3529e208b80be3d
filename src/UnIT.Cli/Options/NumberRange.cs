using System.Globalization;

namespace UnIT.Cli.Options;

/// <summary>The values a numeric option accepts: from <see cref="Min"/> to <see cref="Max"/>, both finite.</summary>
/// <param name="Min">The smallest value (accepted unless <paramref name="MinExclusive"/>).</param>
/// <param name="Max">The largest value (accepted unless <paramref name="MaxExclusive"/>); <see cref="float.MaxValue"/> for no bound (so that every value also fits a float).</param>
/// <param name="MaxExclusive">Whether <paramref name="Max"/> itself is refused.</param>
/// <param name="MinExclusive">Whether <paramref name="Min"/> itself is refused.</param>
internal readonly record struct NumberRange(double Min, double Max, bool MaxExclusive = false, bool MinExclusive = false)
{
    /// <summary>Any value of at least <paramref name="min"/> that is finite as a float.</summary>
    public static NumberRange AtLeast(double min) => new(min, float.MaxValue);

    /// <summary>Whether <paramref name="value"/> lies in the range.</summary>
    public bool Contains(double value) => (MinExclusive ? value > Min : value >= Min) && (MaxExclusive ? value < Max : value <= Max);

    /// <summary>The range as the tail of an error message, e.g. "from 0 to 100" or ">= 0".</summary>
    public override string ToString() => Max == float.MaxValue
        ? string.Create(CultureInfo.InvariantCulture, $"{(MinExclusive ? ">" : ">=")} {Min}")
        : string.Create(CultureInfo.InvariantCulture, $"from {Min}{(MinExclusive ? $" ({Min} excluded)" : "")} to {Max}{(MaxExclusive ? $" ({Max} excluded)" : "")}");
}
