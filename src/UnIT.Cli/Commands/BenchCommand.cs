using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Spectre.Console;
using UnIT.Cli.Options;
using UnIT.Cli.Output;
using UnIT.ML.Data;
using UnIT.ML.Division;
using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.MLNet;
using UnIT.ML.Pruning;
using Tensor = UnIT.ML.Graph.Tensor;

namespace UnIT.Cli.Commands;

/// <summary>
/// <c>unit-prune bench &lt;model.onnx&gt; --images I --calibration-images C [--repeat N] [--json]</c>: host speed
/// in one run on the same images: ONNX Runtime dense (same thread count), our dense engine, our UnIT engine
/// at p = 30/50/70 with each approximator and at p = 50 with skip compensation, the MSP430 fixed-point emulation, at batch 256 and batch 1, and an
/// ML.NET pipeline with ApplyOnnxModel against one with ApplyUnitPruning. Each measurement is repeated in
/// interleaved rounds and the best round is reported: on a shared machine other processes only ever add time, so
/// the fastest of several rounds is the closest to the engine's own cost, and ratios come from the same rounds.
/// </summary>
internal sealed class BenchCommand
{
    private const int Batch = 256;
    private const string FeaturesColumn = "Features";
    private const string ScoreColumn = "Score";
    private static readonly double[] Percentiles = [30, 50, 70];

    // ONNX Runtime's intra-op threads keep spinning for a while after a run (5 to 50 ms measured here); on a 2-core
    // machine that spinning took 15 to 20 ms of CPU from whatever was timed next (our dense engine: 41 -> 58 ms per
    // 10,000 images). Each measure that ran ONNX Runtime is followed by this pause, so every engine is timed alone.
    private static readonly TimeSpan OrtSettle = TimeSpan.FromMilliseconds(250);

    private readonly Argument<string> _model = CommonOptions.Model();
    private readonly DataOptions _data = new(role: "Benchmark", withLabels: false);
    private readonly DataOptions _calibration = new("calibration", "Calibration", withLabels: false);
    private readonly Option<int> _repeat = new("--repeat")
    {
        Description = "Rounds of every measurement; the fastest round of each is reported.",
        HelpName = "N",
        DefaultValueFactory = _ => 3,
        CustomParser = OptionParsers.Count("--repeat"),
    };
    private readonly Option<bool> _json = CommonOptions.Json();

    private BenchCommand()
    {
    }

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var c = new BenchCommand();
        var command = new Command("bench", "Measure host inference speed: ONNX Runtime against our dense, pruned and fixed-point engines and the ML.NET pipelines, on the same images.") { c._model };
        c._data.AddTo(command);
        c._calibration.AddTo(command);
        command.Add(c._repeat);
        command.Add(c._json);
        command.SetAction(c.Run);
        return command;
    }

    private int Run(ParseResult result)
    {
        string modelPath = result.GetRequiredValue(_model);
        ModelGraph graph = ModelLoader.Load(modelPath);
        SampleSet data = _data.Load(result, graph)!;
        SampleSet calibration = _calibration.Load(result, graph)!;
        int repeat = result.GetValue(_repeat);
        Shape shape = graph.Input.Shape;
        List<Tensor> batches = data.Batches(shape, Batch).ToList();
        List<Tensor> singles = data.Batches(shape, 1).ToList();

        var dense = new InferenceEngine(graph);
        var models = new List<PrunedModel>();
        foreach (double p in Percentiles)
        {
            // Thresholds do not depend on the approximator: one calibration per percentile serves all four.
            PrunedModel exact = PrunedModel.Create(graph, new PruningOptions { Percentile = p, Division = "exact" }, calibration.Batches(shape, Batch));
            models.Add(exact);
            foreach (string division in DivisionApproximators.Names.Where(n => n != "exact"))
            {
                models.Add(PrunedModel.Create(graph, new PruningOptions { Percentile = p, Division = division, Thresholds = exact.Thresholds }, null));
            }
        }
        PrunedModel p50 = models.Single(m => m.Options.Percentile == 50 && m.Division.Name == "exact");
        InferenceEngine pruned = p50.Engine;
        InferenceEngine compensated = PrunedModel.Create(graph, new PruningOptions { Thresholds = p50.Thresholds, SkipCompensation = true }, calibration.Batches(shape, Batch)).Engine;
        InferenceEngine msp430 = PrunedModel.Create(graph, new PruningOptions { Percentile = 50, Profile = "msp430" }, calibration.Batches(shape, Batch)).Engine;

        using var sessionOptions = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount };
        using var session = new InferenceSession(modelPath, sessionOptions);
        List<NamedOnnxValue[]> ortBatches = batches.Select(t => OrtInput(graph, t)).ToList();
        List<NamedOnnxValue[]> ortSingles = singles.Select(t => OrtInput(graph, t)).ToList();

        var ml = new MLContext(seed: 1);
        IDataView view = SampleDataView.Create(ml, data, FeaturesColumn);
        ITransformer onnxPipeline = ml.Transforms.CopyColumns(graph.Input.Name, FeaturesColumn)
            .Append(ml.Transforms.ApplyOnnxModel([graph.Outputs[0].Name], [graph.Input.Name], modelPath))
            .Fit(view);
        var unitOptions = new UnitPruningOptions { InputColumnName = FeaturesColumn, OutputColumnName = ScoreColumn, Percentile = 50, Division = "exact", Thresholds = p50.Thresholds };
        ITransformer unitPipeline = ml.Transforms.ApplyUnitPruning(unitOptions, graph).Fit(view);

        var statistics = new Dictionary<PrunedModel, InferenceStatistics>();
        var measures = new List<(string Name, Action Pass, bool RunsOrt)>
        {
            ("ort", () => ortBatches.ForEach(b => RunOrt(session, b)), true),
            ("dense", () => batches.ForEach(b => dense.Run(b)), false),
            ("pruned_nostats", () => batches.ForEach(b => pruned.Run(b)), false),
            ("compensated_nostats", () => batches.ForEach(b => compensated.Run(b)), false),
            ("pruned_lists", () => batches.ForEach(b => pruned.Run(b, new InferenceStatistics())), false),
            ("msp430", () => batches.ForEach(b => msp430.Run(b, Statistics())), false),
            ("ort1", () => ortSingles.ForEach(b => RunOrt(session, b)), true),
            ("dense1", () => singles.ForEach(b => dense.Run(b)), false),
            ("pruned1", () => singles.ForEach(b => pruned.Run(b, Statistics())), false),
            ("msp430_1", () => singles.ForEach(b => msp430.Run(b, Statistics())), false),
            ("mlnet_onnx", () => Consume(onnxPipeline.Transform(view), graph.Outputs[0].Name), true),
            ("mlnet_unit", () => Consume(unitPipeline.Transform(view), ScoreColumn), false),
        };
        foreach (PrunedModel m in models)
        {
            measures.Add((Key(m), () =>
            {
                InferenceStatistics stats = Statistics();
                batches.ForEach(b => m.Engine.Run(b, stats));
                statistics[m] = stats;
            }, false));
        }

        var times = measures.ToDictionary(m => m.Name, _ => new List<double>());
        for (int round = 0; round < repeat; round++)
        {
            foreach ((string name, Action pass, bool runsOrt) in measures)
            {
                var clock = Stopwatch.StartNew();
                pass();
                times[name].Add(clock.Elapsed.TotalMilliseconds);
                if (runsOrt)
                {
                    Thread.Sleep(OrtSettle);
                }
            }
        }
        double Ms(string name) => times[name].Min();
        double Us(string name) => 1000 * Ms(name) / data.Count;
        double PerInference(Action pass)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            pass();
            return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)data.Count;
        }
        var allocation = new BenchReport.Allocation(
            PerInference(() => batches.ForEach(b => dense.Run(b))),
            PerInference(() => batches.ForEach(b => pruned.Run(b, Statistics()))),
            PerInference(() => singles.ForEach(b => dense.Run(b))),
            PerInference(() => singles.ForEach(b => pruned.Run(b, Statistics()))));

        var report = new BenchReport(
            graph.Name, data.Count, Environment.ProcessorCount, repeat,
            $"{RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}",
            Ms("ort"), Ms("dense"), Ms(Key(p50)), Ms("pruned_nostats"), Ms("compensated_nostats"), Ms("pruned_lists"), Ms("msp430"),
            new BenchReport.Latency(Us("ort1"), Us("dense1"), Us("pruned1"), Us("msp430_1")),
            Ms("mlnet_onnx"), Ms("mlnet_unit"),
            models.Select(m => new BenchReport.PrunedPoint(m.Options.Percentile, m.Division.Name, Ms(Key(m)), statistics[m].SkippedFraction)).ToList(),
            allocation,
            Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0));

        TextWriter output = result.InvocationConfiguration.Output;
        if (result.GetValue(_json))
        {
            JsonOutput.Write(output, report);
        }
        else
        {
            WriteTables(Terminal.For(output), report);
        }
        return ExitCodes.Success;
    }

    /// <summary>
    /// Statistics as evaluate, sweeps and the ML.NET pipeline collect them for these profiles' own tables: without the
    /// sorted-list counts that only the measured device tables price (timed apart as "pruned_lists").
    /// </summary>
    private static InferenceStatistics Statistics() => new() { CountsSortedLists = false };

    private static string Key(PrunedModel m) => string.Create(CultureInfo.InvariantCulture, $"p{m.Options.Percentile}_{m.Division.Name}");

    private static NamedOnnxValue[] OrtInput(ModelGraph graph, Tensor t) =>
        [NamedOnnxValue.CreateFromTensor(graph.Input.Name, new DenseTensor<float>(t.Data, t.Shape.Dimensions.ToArray()))];

    private static void RunOrt(InferenceSession session, NamedOnnxValue[] input)
    {
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> result = session.Run(input);
    }

    /// <summary>Reads <paramref name="column"/> of every row, as an application consuming the scores would.</summary>
    private static void Consume(IDataView view, string column)
    {
        DataViewSchema.Column c = view.Schema[column];
        using DataViewRowCursor cursor = view.GetRowCursor([c]);
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(c);
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
        }
    }

    private static void WriteTables(IAnsiConsole console, BenchReport r)
    {
        static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
        console.WriteLine($"Model '{r.Model}' on {r.Samples} samples; {r.Machine}; best of {r.Repeat} rounds.");
        var main = new Table().AddColumns("engine", $"batch {Batch}, all samples (ms)", "ratio to ORT", "batch 1 (us/sample)", "ratio to ORT");
        main.AddRow("ONNX Runtime", F(r.OrtDenseMs), "1.00", F(r.Batch1Us.Ort), "1.00");
        main.AddRow("UnIT.ML dense", F(r.DenseMs), F(r.DenseMs / r.OrtDenseMs), F(r.Batch1Us.Dense), F(r.Batch1Us.Dense / r.Batch1Us.Ort));
        main.AddRow("UnIT.ML p = 50 exact, statistics", F(r.PrunedMs), F(r.PrunedMs / r.OrtDenseMs), F(r.Batch1Us.Pruned), F(r.Batch1Us.Pruned / r.Batch1Us.Ort));
        main.AddRow("UnIT.ML p = 50 exact, no statistics", F(r.PrunedNoStatisticsMs), F(r.PrunedNoStatisticsMs / r.OrtDenseMs), "", "");
        main.AddRow("UnIT.ML p = 50 exact, skip compensation, no statistics", F(r.CompensatedNoStatisticsMs), F(r.CompensatedNoStatisticsMs / r.OrtDenseMs), "", "");
        main.AddRow("UnIT.ML p = 50 exact, statistics with sorted-list counts", F(r.PrunedListCountsMs), F(r.PrunedListCountsMs / r.OrtDenseMs), "", "");
        main.AddRow("MSP430 emulation p = 50, statistics", F(r.Msp430Ms), F(r.Msp430Ms / r.OrtDenseMs), F(r.Batch1Us.Msp430), F(r.Batch1Us.Msp430 / r.Batch1Us.Ort));
        main.AddRow("ML.NET ApplyOnnxModel, all rows", F(r.MlnetOnnxMs), "", "", "");
        main.AddRow("ML.NET ApplyUnitPruning p = 50, all rows", F(r.MlnetUnitMs), F(r.MlnetUnitMs / r.MlnetOnnxMs) + " (to ApplyOnnxModel)", "", "");
        console.Write(main);
        var points = new Table().AddColumns("percentile", "division", $"batch {Batch} (ms)", "ratio to our dense", "MACs skipped");
        foreach (BenchReport.PrunedPoint p in r.Approximators)
        {
            points.AddRow(p.Percentile.ToString(CultureInfo.InvariantCulture), p.Division, F(p.Ms), F(p.Ms / r.DenseMs), (100 * p.SkippedFraction).ToString("F1", CultureInfo.InvariantCulture) + "%");
        }
        console.Write(points);
        BenchReport.Allocation a = r.AllocatedBytesPerInference;
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Allocated per inference: dense {a.DenseBatch256:F0} B (batch {Batch}), {a.DenseBatch1:F0} B (batch 1); pruned {a.PrunedBatch256:F0} B, {a.PrunedBatch1:F0} B. Peak working set {r.PeakWorkingSetMb:F0} MiB."));
    }
}
