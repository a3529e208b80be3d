using Spectre.Console;
using UnIT.ML.Shift;
using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>The console table of a <see cref="ShiftResult"/> (Spectre.Console).</summary>
public static class ShiftTable
{
    /// <summary>The shift's name in reports ("clean" for none), e.g. "gaussian_noise".</summary>
    public static string Name(ShiftKind? kind) => kind switch
    {
        null => "clean",
        ShiftKind.GaussianNoise => "gaussian_noise",
        _ => kind.Value.ToString().ToLowerInvariant(),
    };

    /// <summary>Which UnIT thresholds ran, shortly: "p=50" for a calibrated percentile, else the given set's method (and percentile).</summary>
    internal static string UnitLabel(ShiftResult result) => result.Options.Thresholds is { } given
        ? $"{given.Method}{(given.Percentile is double p ? $" p={ReportFormat.Setting(p)}" : "")}"
        : $"p={ReportFormat.Setting(result.Options.Percentile)}";

    /// <summary>One row per shift and strength: dense accuracy, and UnIT's and magnitude pruning's accuracy and MACs skipped.</summary>
    public static Table Build(ShiftResult result, string title)
    {
        ArgumentNullException.ThrowIfNull(result);
        bool trainTime = result.Options.TrainTimePruned is not null;
        string[] columns = ["dense %", "UnIT %", "UnIT skipped %", "magnitude %", "magnitude skipped %",
            .. trainTime ? new[] { "train-time %", "train-time skipped %", "+ UnIT %", "+ UnIT skipped %" } : []];
        var table = new Table().Title(Markup.Escape(title)).AddColumns("shift", "strength")
            .AddColumns(columns.Select(n => new TableColumn(n).RightAligned()).ToArray());
        foreach (ShiftRow r in result.Rows)
        {
            SweepPoint?[] points = [r.Unit, r.Magnitude, .. trainTime ? new[] { r.TrainTime, r.TrainTimeUnit } : []];
            table.AddRow([Name(r.Kind), ReportFormat.Setting(r.Strength), ReportFormat.Fixed(100 * r.Unit.DenseAccuracy, 2),
                .. points.SelectMany(p => new[] { ReportFormat.Fixed(100 * p!.Accuracy, 2), ReportFormat.Fixed(100 * p.SkippedFraction, 1) })]);
        }
        string unit = result.Options.Thresholds is { } given
            ? $"UnIT with the given thresholds ({UnitLabel(result)}, {given.Division ?? "default"} division)"
            : $"UnIT {UnitLabel(result)} calibrated on clean data";
        // Global magnitude pruning cannot reach every skipped fraction (a layer of large weights keeps its MACs): say so rather than "matched".
        ShiftRow clean = result.Rows[0];
        string matched = Math.Abs(clean.Magnitude.SkippedFraction - clean.Unit.SkippedFraction) < 0.005
            ? " matched to its MACs skipped on the clean set"
            : $", the closest it comes to UnIT's MACs skipped on the clean set ({ReportFormat.Fixed(100 * clean.Magnitude.SkippedFraction, 1)}% against {ReportFormat.Fixed(100 * clean.Unit.SkippedFraction, 1)}%)";
        string trained = result.Options.TrainTimePrunedModel is { } name
            ? $"; train-time pruned model '{name}', + UnIT p={ReportFormat.Setting(result.Options.TrainTimeUnitPercentile)} on it"
            : "";
        // A compensated skip still adds a constant, and magnitude pruning is matched to a count that includes it: say how many.
        string compensated = clean.Unit.CompensatedFraction > 0
            ? $" UnIT's skipped MACs include {ReportFormat.Fixed(100 * clean.Unit.CompensatedFraction, 1)}% of all MACs on the clean set compensated (an add each, no multiply)."
            : "";
        string pixels = result.Options.PixelRange == PixelRange.Unit ? "" : $"; pixels {result.Options.PixelRange}";
        table.Caption(Markup.Escape($"{unit}; magnitude sparsity {ReportFormat.Setting(result.MagnitudeSparsity)}{matched}{trained}; seed {result.Options.Seed}{pixels}.{compensated}"));
        return table;
    }
}
