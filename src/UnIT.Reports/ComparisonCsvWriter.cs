using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>
/// Writes a <see cref="ComparisonResult"/> as CSV, one row per method and accuracy limit: the chosen setting, its
/// validation drop and skipped fraction, and its test accuracy, drop, skipped fraction, estimated cycles and the share of MACs skipped with a compensation add. Invariant culture.
/// </summary>
public static class ComparisonCsvWriter
{
    private static readonly string[] Header =
    [
        "max_accuracy_drop", "method", "setting", "evaluations", "validation_drop", "validation_drop_se", "validation_skipped_fraction",
        "test_accuracy", "test_dense_accuracy", "test_drop", "test_skipped_fraction", "test_cycles", "test_dense_cycles", "test_speedup", "test_compensated_fraction",
    ];

    /// <summary>Writes the CSV (header and rows) to <paramref name="writer"/>, which is not closed.</summary>
    public static void Write(ComparisonResult result, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(writer);
        ReportFormat.WriteCsvRow(writer, Header);
        foreach (ComparisonRow r in result.Rows)
        {
            SweepPoint? v = r.Validation, t = r.Test;
            ReportFormat.WriteCsvRow(writer,
            [
                ReportFormat.Number(r.MaxAccuracyDrop), ComparisonTable.Name(r.Method), r.Setting, ReportFormat.Number(r.Evaluations),
                ReportFormat.Number(v?.AccuracyDrop), ReportFormat.Number(v?.AccuracyDropStandardError), ReportFormat.Number(v?.SkippedFraction),
                ReportFormat.Number(t?.Accuracy), ReportFormat.Number(t?.DenseAccuracy), ReportFormat.Number(t?.AccuracyDrop),
                ReportFormat.Number(t?.SkippedFraction), ReportFormat.Number(t?.Cycles), ReportFormat.Number(t?.DenseCycles), ReportFormat.Number(t?.Speedup),
                ReportFormat.Number(t?.CompensatedFraction),
            ]);
        }
    }

    /// <summary>Writes the CSV to the file at <paramref name="path"/>, replacing it.</summary>
    public static void Save(ComparisonResult result, string path) => ReportFormat.Save(path, w => Write(result, w));
}
