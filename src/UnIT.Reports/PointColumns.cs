using UnIT.ML.Sweeps;

namespace UnIT.Reports;

/// <summary>The CSV columns of one <see cref="SweepPoint"/>, shared by the sweep and search CSV files.</summary>
internal static class PointColumns
{
    private static readonly string[] Fixed =
    [
        "kind", "series", "percentile", "division", "profile", "group_wise", "magnitude_sparsity", "fatrelu_tau", "samples",
        "accuracy", "dense_accuracy", "accuracy_drop", "f1_macro", "quantized_dense_accuracy",
        "macs_total", "macs_skipped_zero", "macs_skipped_threshold", "macs_executed", "macs_compensated", "skipped_fraction",
        "cycles", "dense_cycles", "speedup", "energy_uj", "dense_energy_uj", "wall_seconds",
    ];

    /// <summary>The prunable layers of <paramref name="points"/>, in order of first appearance.</summary>
    public static string[] LayersOf(IEnumerable<SweepPoint> points) =>
        points.SelectMany(p => p.Layers.Select(l => l.Layer)).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Column names: the fixed ones, then per layer its skipped fraction and its thresholds.</summary>
    public static IEnumerable<string> Header(IReadOnlyList<string> layers) =>
        Fixed.Concat(layers.Select(l => $"skipped_fraction:{l}")).Concat(layers.Select(l => $"threshold:{l}"));

    /// <summary>The values, in <see cref="Header"/> order; MACs, cycles and energy per inference; group-wise thresholds space-separated.</summary>
    public static IEnumerable<string> Values(SweepPoint p, IReadOnlyList<string> layers)
    {
        SweepCoordinates c = p.Coordinates;
        string[] values =
        [
            c.Kind.ToString(), c.Series, ReportFormat.Number(c.Percentile), c.Division, c.Profile, c.GroupWise ? "true" : "false",
            ReportFormat.Number(c.MagnitudeSparsity), ReportFormat.Number(c.FatReluTau), ReportFormat.Number(p.Samples),
            ReportFormat.Number(p.Accuracy), ReportFormat.Number(p.DenseAccuracy), ReportFormat.Number(p.AccuracyDrop),
            ReportFormat.Number(p.F1Macro), ReportFormat.Number(p.QuantizedDenseAccuracy),
            ReportFormat.Number(p.MacsTotal), ReportFormat.Number(p.MacsSkippedZero), ReportFormat.Number(p.MacsSkippedThreshold),
            ReportFormat.Number(p.MacsExecuted), ReportFormat.Number(p.MacsCompensated), ReportFormat.Number(p.SkippedFraction),
            ReportFormat.Number(p.Cycles), ReportFormat.Number(p.DenseCycles), ReportFormat.Number(p.Speedup),
            ReportFormat.Number(p.EnergyMicrojoules), ReportFormat.Number(p.DenseEnergyMicrojoules), ReportFormat.Number(p.WallSeconds),
        ];
        SweepLayerMetrics? Layer(string name) => p.Layers.FirstOrDefault(l => l.Layer == name);
        return values
            .Concat(layers.Select(l => ReportFormat.Number(Layer(l)?.SkippedFraction)))
            .Concat(layers.Select(l => Layer(l) is { } m ? string.Join(' ', m.Thresholds.Select(t => ReportFormat.Number(t))) : ""));
    }
}
