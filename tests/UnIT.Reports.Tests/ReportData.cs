using UnIT.ML.Pruning;
using UnIT.ML.Sweeps;

namespace UnIT.Reports.Tests;

/// <summary>Hand-made sweep points and search results, and scratch folders.</summary>
internal static class ReportData
{
    public static readonly string[] Layers = ["conv1", "fc"];

    public static SweepPoint Point(SweepPointKind kind, double? percentile, double accuracy, double skipped, double cycles,
        string division = "exact", string profile = "float32", bool groupWise = false) => new()
    {
        Coordinates = new SweepCoordinates { Kind = kind, Percentile = percentile, Division = division, Profile = profile, GroupWise = groupWise },
        Samples = 500,
        Accuracy = accuracy,
        F1Macro = accuracy - 0.01,
        DenseAccuracy = 0.9,
        SamplesLost = 10,
        SamplesGained = 5,
        MacsTotal = 1000,
        MacsSkippedZero = 200,
        MacsSkippedThreshold = 1000 * skipped - 200,
        MacsExecuted = 1000 * (1 - skipped),
        Cycles = cycles,
        DenseCycles = 10_000,
        EnergyMicrojoules = cycles / 1000,
        DenseEnergyMicrojoules = 10,
        Speedup = 10_000 / cycles,
        WallSeconds = 0.25,
        Thresholds = new ThresholdSet { Method = "percentile", Percentile = percentile, Layers = new() { ["conv1"] = [0.5f], ["fc"] = groupWise ? [0.1f, 0.2f] : [0.25f] } },
        Layers =
        [
            new SweepLayerMetrics { Layer = "conv1", MacsTotal = 900, MacsSkippedZero = 180, MacsSkippedThreshold = 900 * skipped - 180, MacsExecuted = 900 * (1 - skipped), Cycles = cycles * 0.9, DenseCycles = 9000, Thresholds = [0.5f] },
            new SweepLayerMetrics { Layer = "fc", MacsTotal = 100, MacsSkippedZero = 20, MacsSkippedThreshold = 100 * skipped - 20, MacsExecuted = 100 * (1 - skipped), Cycles = cycles * 0.1, DenseCycles = 1000, Thresholds = groupWise ? [0.1f, 0.2f] : [0.25f] },
        ],
    };

    /// <summary>Dense, two UnIT series of three percentiles, one magnitude baseline, and a max78000 point.</summary>
    public static SweepReport Sweep() => new(
    [
        Point(SweepPointKind.Dense, null, 0.90, 0.20, 9000),
        Point(SweepPointKind.Unit, 30, 0.90, 0.40, 7000),
        Point(SweepPointKind.Unit, 60, 0.86, 0.65, 5000),
        Point(SweepPointKind.Unit, 90, 0.40, 0.95, 1500),
        Point(SweepPointKind.Unit, 30, 0.89, 0.45, 6800, division: "bitmask"),
        Point(SweepPointKind.Unit, 60, 0.84, 0.70, 4800, division: "bitmask"),
        Point(SweepPointKind.Unit, 90, 0.30, 0.96, 1400, division: "bitmask"),
        Point(SweepPointKind.MagnitudePruning, null, 0.70, 0.60, 6000) with
        {
            Coordinates = new SweepCoordinates { Kind = SweepPointKind.MagnitudePruning, Division = "exact", Profile = "float32", MagnitudeSparsity = 0.7 },
        },
        Point(SweepPointKind.Unit, 60, 0.85, 0.66, 3000, division: "bitmask", profile: "max78000"),
    ], "test model, 500 validation samples");

    /// <summary>A small search: start, two uniform levels, one sensitivity step, one greedy move taken.</summary>
    public static SearchReport Search(bool withTest = true, bool uniformIsOnePercentile = true, GroupAllocation allocation = GroupAllocation.SamePercentile)
    {
        SearchStep Step(int n, SearchPhase phase, double? p1, double? p2, SweepPoint point, bool feasible, bool accepted = false) => new()
        {
            Evaluation = n, Phase = phase, LayerPercentiles = new Dictionary<string, double?> { ["conv1"] = p1, ["fc"] = p2 },
            Point = point, Objective = point.SkippedFraction, Feasible = feasible, Accepted = accepted,
            ConfidenceZ = 2, StandardError = 0.003, Damage = n / 100.0,
        };
        SweepPoint chosen = Point(SweepPointKind.Search, null, 0.895, 0.55, 5500);
        // With equal-error group allocation the uniform levels are no single percentile.
        SweepPoint uniform = uniformIsOnePercentile ? Point(SweepPointKind.Unit, 30, 0.90, 0.40, 7000) : Point(SweepPointKind.Search, null, 0.90, 0.40, 7000);
        SearchStep[] trace =
        [
            Step(1, SearchPhase.Start, null, null, Point(SweepPointKind.Search, null, 0.90, 0.20, 9000), true),
            Step(2, SearchPhase.Uniform, 30, 30, uniform, true),
            Step(3, SearchPhase.Uniform, 60, 60, Point(SweepPointKind.Unit, 60, 0.86, 0.65, 5000), false),
            Step(4, SearchPhase.Sensitivity, 30, null, Point(SweepPointKind.Search, null, 0.90, 0.35, 7500), true),
            Step(5, SearchPhase.Greedy, 50, 30, chosen, true, accepted: true),
        ];
        var result = new SearchResult
        {
            Thresholds = chosen.Thresholds with { Method = "search" },
            LayerPercentiles = trace[^1].LayerPercentiles,
            Validation = chosen,
            BestUniform = uniform,
            Feasible = true,
            Trace = trace,
            Options = new SearchOptions { MaxAccuracyDrop = 0.01, GroupWise = allocation != GroupAllocation.SamePercentile, GroupAllocation = allocation },
        };
        return withTest
            ? new SearchReport(result, "test model, D = 1 pt", chosen with { Accuracy = 0.89 }, uniform with { Accuracy = 0.895 })
            : new SearchReport(result, "test model, D = 1 pt");
    }

    /// <summary>A new empty folder under the system temp folder.</summary>
    public static string TempFolder()
    {
        string dir = Path.Combine(Path.GetTempPath(), "unit-reports-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Width and height from a PNG file's IHDR chunk.</summary>
    public static (int Width, int Height) PngSize(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        CollectionAssert.AreEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8], "PNG signature");
        return (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }
}
