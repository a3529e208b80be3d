namespace UnIT.Cli.Output;

/// <summary>
/// The JSON document of <c>bench</c>. Times are the fastest of the repeated rounds; a pass runs every image once.
/// Batch-256 passes are in milliseconds, batch-1 latencies in microseconds per sample.
/// </summary>
internal sealed record BenchReport(
    string Model,
    int Samples,
    int Threads,
    int Repeat,
    string Machine,
    double OrtDenseMs,
    double DenseMs,
    double PrunedMs,
    double PrunedNoStatisticsMs,
    double CompensatedNoStatisticsMs,
    double PrunedListCountsMs,
    double Msp430Ms,
    BenchReport.Latency Batch1Us,
    double MlnetOnnxMs,
    double MlnetUnitMs,
    IReadOnlyList<BenchReport.PrunedPoint> Approximators,
    BenchReport.Allocation AllocatedBytesPerInference,
    double PeakWorkingSetMb)
{
    /// <summary>Microseconds per sample, one sample per call.</summary>
    public sealed record Latency(double Ort, double Dense, double Pruned, double Msp430);

    /// <summary>One pruned configuration at batch 256 with statistics on.</summary>
    public sealed record PrunedPoint(double Percentile, string Division, double Ms, double SkippedFraction);

    /// <summary>Managed bytes allocated per inference (all threads), at batch 256 and batch 1.</summary>
    public sealed record Allocation(double DenseBatch256, double PrunedBatch256, double DenseBatch1, double PrunedBatch1);
}
