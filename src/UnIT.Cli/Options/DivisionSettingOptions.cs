using System.CommandLine;
using UnIT.ML.Division;

namespace UnIT.Cli.Options;

/// <summary>The two non-default division settings, <c>--bitshift-start</c> and <c>--calibrate-binarytree</c>, as every pruning command takes them.</summary>
internal sealed class DivisionSettingOptions
{
    /// <summary><c>--bitshift-start</c>.</summary>
    public Option<int?> BitShiftStart { get; } = new("--bitshift-start")
    {
        Description = "BitShift only: start the shift count at S, so n = max(S, e(C)) (coarser thresholds for small control terms).",
        HelpName = "S",
        // The exponent range of finite floats, as BitShiftDivision accepts it.
        CustomParser = OptionParsers.OptionalInteger("--bitshift-start", -149, 127),
    };

    /// <summary><c>--calibrate-binarytree</c>.</summary>
    public Option<bool> CalibrateBinaryTree { get; } = new("--calibrate-binarytree")
    {
        Description = "BinaryTree only: weight the pivot tree by the control-term exponents of the calibration data (saved with the thresholds).",
    };

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(BitShiftStart);
        command.Add(CalibrateBinaryTree);
    }

    /// <summary>
    /// The values given, checked against the divisions they would apply to, so the message names the command-line
    /// options; null <paramref name="divisions"/> means the division is not known yet (it comes from a thresholds file).
    /// </summary>
    /// <exception cref="ArgumentException">When a setting is given for a division that is not used.</exception>
    public (int? BitShiftStart, bool CalibrateBinaryTree) Read(ParseResult result, IReadOnlyCollection<string>? divisions)
    {
        int? start = result.GetValue(BitShiftStart);
        bool tree = result.GetValue(CalibrateBinaryTree);
        if (divisions is not null)
        {
            DivisionApproximators.CheckSettings(start, tree, divisions, BitShiftStart.Name, CalibrateBinaryTree.Name);
        }
        return (start, tree);
    }
}
