using System.CommandLine;
using UnIT.ML.Sweeps;

namespace UnIT.Cli.Options;

/// <summary><c>--group-allocation</c>, as search and compare take it: the names, help, default and parser in one place.</summary>
/// <param name="description">The option's help text, which says what it spreads in the command at hand.</param>
internal sealed class GroupAllocationOption(string description)
{
    /// <summary>The names the option takes, in help order, and the allocation each stands for.</summary>
    public static IReadOnlyDictionary<string, GroupAllocation> Names { get; } = new Dictionary<string, GroupAllocation>
    {
        ["percentile"] = GroupAllocation.SamePercentile,
        ["error"] = GroupAllocation.SameRelativeError,
        ["sensitivity"] = GroupAllocation.Sensitivity,
    };

    /// <summary>The option itself.</summary>
    public Option<string> Option { get; } = new("--group-allocation")
    {
        Description = description,
        HelpName = string.Join("|", Names.Keys),
        DefaultValueFactory = _ => "percentile",
        CustomParser = OptionParsers.Name("--group-allocation", [.. Names.Keys]),
    };

    /// <summary>The allocation the user chose (the name was checked while parsing).</summary>
    public GroupAllocation Read(ParseResult result) => Names[result.GetRequiredValue(Option)];
}
