using UnIT.ML.Shift;
using UnIT.ML.Sweeps;

namespace UnIT.Reports.Tests;

[TestClass]
public sealed class ShiftTableTests
{
    private static ShiftResult Clean(double unitSkipped, double magnitudeSkipped) => new()
    {
        Rows =
        [
            new ShiftRow
            {
                Unit = ReportData.Point(SweepPointKind.Unit, 50, 0.85, unitSkipped, 4000),
                Magnitude = ReportData.Point(SweepPointKind.MagnitudePruning, null, 0.8, magnitudeSkipped, 4000),
            },
        ],
        MagnitudeSparsity = 0.998,
        Options = new ShiftOptions { Percentile = 50 },
    };

    [TestMethod]
    [DataRow(0.708, 0.706, "magnitude sparsity 0.998 matched to its MACs skipped on the clean set")]
    [DataRow(0.708, 0.652, "magnitude sparsity 0.998, the closest it comes to UnIT's MACs skipped on the clean set (65.2% against 70.8%)")]
    public void The_caption_says_matched_only_when_magnitude_pruning_reached_UnITs_MACs_skipped(double unit, double magnitude, string expected)
    {
        string text = string.Join(" ", SweepTableTests.Render(ShiftTable.Build(Clean(unit, magnitude), "t")).Split(default(char[]), StringSplitOptions.RemoveEmptyEntries));

        Assert.Contains(expected, text);
    }

    [TestMethod]
    public void The_caption_gives_the_compensated_share_only_when_UnIT_compensated()
    {
        ShiftResult plain = Clean(0.708, 0.706);
        ShiftResult compensated = new()
        {
            Rows = [plain.Rows[0] with { Unit = plain.Rows[0].Unit with { MacsCompensated = 412 } }],
            MagnitudeSparsity = plain.MagnitudeSparsity,
            Options = plain.Options,
        };

        string Caption(ShiftResult r) => string.Join(" ", SweepTableTests.Render(ShiftTable.Build(r, "t")).Split(default(char[]), StringSplitOptions.RemoveEmptyEntries));

        Assert.Contains("UnIT's skipped MACs include 41.2% of all MACs on the clean set compensated", Caption(compensated));
        Assert.DoesNotContain("compensated", Caption(plain));
    }
}
