using UnIT.ML.Shift;
using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>
/// Writes a <see cref="ShiftResult"/> as CSV: per shift and strength, dense, UnIT and magnitude-pruning accuracy and MACs
/// skipped, the train-time pruned model's with and without UnIT (empty without one), and the share of all MACs UnIT
/// skipped with a compensation add. Invariant culture.
/// </summary>
public static class ShiftCsvWriter
{
    private static readonly string[] Header =
    [
        "shift", "strength", "samples", "dense_accuracy", "unit_accuracy", "unit_drop", "unit_skipped_fraction",
        "magnitude_accuracy", "magnitude_drop", "magnitude_skipped_fraction", "unit_percentile", "magnitude_sparsity",
        "train_time_accuracy", "train_time_skipped_fraction", "train_time_unit_accuracy", "train_time_unit_skipped_fraction",
        "unit_compensated_fraction",
    ];

    /// <summary>Writes the CSV (header and rows) to <paramref name="writer"/>, which is not closed.</summary>
    public static void Write(ShiftResult result, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(writer);
        ReportFormat.WriteCsvRow(writer, Header);
        foreach (ShiftRow r in result.Rows)
        {
            SweepPoint u = r.Unit, m = r.Magnitude;
            ReportFormat.WriteCsvRow(writer,
            [
                ShiftTable.Name(r.Kind), ReportFormat.Number(r.Strength), ReportFormat.Number(u.Samples), ReportFormat.Number(u.DenseAccuracy),
                ReportFormat.Number(u.Accuracy), ReportFormat.Number(u.AccuracyDrop), ReportFormat.Number(u.SkippedFraction),
                ReportFormat.Number(m.Accuracy), ReportFormat.Number(m.AccuracyDrop), ReportFormat.Number(m.SkippedFraction),
                ReportFormat.Number(u.Coordinates.Percentile), ReportFormat.Number(result.MagnitudeSparsity),
                ReportFormat.Number(r.TrainTime?.Accuracy), ReportFormat.Number(r.TrainTime?.SkippedFraction),
                ReportFormat.Number(r.TrainTimeUnit?.Accuracy), ReportFormat.Number(r.TrainTimeUnit?.SkippedFraction),
                ReportFormat.Number(u.CompensatedFraction),
            ]);
        }
    }
}
