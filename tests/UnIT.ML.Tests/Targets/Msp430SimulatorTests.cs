using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using UnIT.ML.Data;
using UnIT.ML.Division;
using UnIT.ML.Engine;
using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;
using UnIT.ML.Tests.Data;
using UnIT.ML.Tests.Kernels;

namespace UnIT.ML.Tests.Targets;

/// <summary>
/// Cross-checks the MSP430 profile's fixed-point emulation against a real MSP430 build of the same kernels
/// (tools/msp430: C compiled with clang-14 --target=msp430, linked with ld.lld-14, run in mspdebug's simulator):
/// the device's int16 outputs and skip counters must equal the C# engine's bit for bit. When the toolchain is not
/// installed they fail under CI=true and are Inconclusive (reported as skipped) elsewhere. The cycle benchmark
/// (<see cref="Conv1_simulated_cycles_against_the_cost_model"/>) runs under CI=true or with UNIT_MSP430_BENCH=1;
/// tools/msp430/README.md has its figures.
/// </summary>
[TestClass]
public sealed class Msp430SimulatorTests
{
    // What run.sh and profile.sh call (Debian packages clang-14, lld-14, llvm-14, mspdebug).
    private static readonly string[] Tools = ["clang-14", "ld.lld-14", "llvm-nm-14", "llvm-size-14", "llvm-objdump-14", "mspdebug"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("c")]
    [DataRow("asm")]
    [DataRow("hw")]
    public void Conv_runs_bit_exact_on_the_simulator(string variant)
    {
        var rng = new Random(7);
        ModelGraph graph = TestGraphs.Conv(1, 2, 6, 6, 3, 3, 3, [1, 1], [1, 1], [1, 1], [1, 1], 1, rng);
        float[] x = TestGraphs.Random(rng, graph.InputSampleSize, 0.3);
        LayerCase c = ConvCase(graph, x, inBits: 12, weightBits: 14, outBits: 10, thresholds: [0.05f]);

        SimulatorResult r = Simulate(c.Name, c.Header, variant, count: true);

        AssertSameAsEngine(c, r);
        Assert.IsTrue(c.Stats.Executed > 0 && c.Stats.SkippedThreshold > 0, "the case should both run and skip MACs");
    }

    [TestMethod]
    public void Conv_with_stride_dilation_groups_saturation_and_per_channel_thresholds_runs_bit_exact()
    {
        var rng = new Random(11);
        // 4 -> 4 channels in 2 groups, asymmetric padding, stride 2 x 1, dilation 1 x 2.
        ModelGraph graph = TestGraphs.Conv(1, 4, 7, 8, 4, 3, 2, [2, 1], [1, 0], [0, 1], [1, 2], 2, rng);
        float[] x = TestGraphs.Random(rng, graph.InputSampleSize, 0.25, 2f);
        // Output Q15 (range +-1) with inputs up to 2: some outputs leave the int16 range and saturate.
        LayerCase c = ConvCase(graph, x, inBits: 13, weightBits: 14, outBits: 15, thresholds: [0.02f, 0.1f, 0f, 0.05f]);

        SimulatorResult r = Simulate(c.Name, c.Header, "asm", count: true);

        AssertSameAsEngine(c, r);
        Assert.IsTrue(c.Expected.Any(v => v is short.MaxValue or short.MinValue), "the case should saturate some outputs");
    }

    [TestMethod]
    [DataRow("c")]
    [DataRow("asm")]
    [DataRow("hw")]
    public void FullyConnected_runs_bit_exact_on_the_simulator(string variant)
    {
        var rng = new Random(3);
        ModelGraph graph = TestGraphs.FullyConnected(20, 5, rng);
        float[] x = TestGraphs.Random(rng, 20, 0.3);
        LayerCase c = FullyConnectedCase(graph, x, inBits: 12, weightBits: 14, outBits: 10, thresholds: [0.04f]);

        SimulatorResult r = Simulate(c.Name, c.Header, variant, count: true);

        AssertSameAsEngine(c, r);
        Assert.IsTrue(c.Stats.Executed > 0 && c.Stats.SkippedThreshold > 0, "the case should both run and skip MACs");
    }

    [TestMethod]
    public void FullyConnected_with_per_neuron_thresholds_and_a_negative_output_shift_runs_bit_exact()
    {
        var rng = new Random(5);
        ModelGraph graph = TestGraphs.FullyConnected(20, 5, rng);
        float[] x = TestGraphs.Random(rng, 20, 0.2);
        // Product Q(6 + 7) = Q13, output Q15: the accumulator is shifted left by 2 and saturates.
        LayerCase c = FullyConnectedCase(graph, x, inBits: 6, weightBits: 7, outBits: 15, thresholds: [0.01f, 0.05f, 0f, 0.1f, 0.02f]);

        SimulatorResult r = Simulate(c.Name, c.Header, "asm", count: true);

        AssertSameAsEngine(c, r);
        Assert.IsTrue(c.Stats.SkippedThreshold > 0, "the case should skip MACs by threshold");
    }

    [TestMethod]
    [DataRow("c")]
    [DataRow("asm")]
    public void FullyConnected_int32_accumulator_saturation_runs_bit_exact(string variant)
    {
        // Near-full-scale int16 operands: every product is about 2^30, so the int32 accumulator saturates. Neuron 0 only
        // adds (ends at int16 max), neuron 1 only subtracts (int16 min), neuron 2 adds 8 then subtracts 4 products: it
        // saturates high first and then comes down to about -1.9 * 2^30, where the exact sum would saturate high.
        const int k = 12, n = 3;
        var weight = new float[n * k];
        for (int i = 0; i < k; i++)
        {
            weight[i] = 0.99f;
            weight[k + i] = -0.99f;
            weight[2 * k + i] = i < 8 ? 0.99f : -0.99f;
        }
        var fc = new FullyConnectedNode("fc", "x", "y", new Tensor(new Shape(n, k), weight), [0.5f, -0.5f, 0f]);
        var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, k)), [fc], ["y"]);
        float[] x = Enumerable.Repeat(0.999f, k).ToArray();
        LayerCase c = FullyConnectedCase(graph, x, inBits: 15, weightBits: 15, outBits: 14, thresholds: [0f]);

        SimulatorResult r = Simulate(c.Name, c.Header, variant, count: true);

        AssertSameAsEngine(c, r);
        Assert.AreEqual(short.MaxValue, c.Expected[0]);
        Assert.AreEqual(short.MinValue, c.Expected[1]);
        Assert.IsTrue(c.Expected[2] is < -30000 and > short.MinValue, $"neuron 2 should come down from saturation: {c.Expected[2]}");
    }

    /// <summary>
    /// tools/msp430/cases/smoke_conv.h, the hand-written case: 1 -> 1 channel, 3 x 3 input, 2 x 2 kernel with one zero
    /// weight, bias 7, T = 0, output shift 0. Every expected figure is worked by hand from the header, not by the engine:
    /// out[0,0] = 1*10 + 2*(-20) + (-4)*0 + 5*300 + 7 = 1477, out[0,1] = 2*10 + 3*(-20) + 5*0 + (-6)*300 + 7 = -1833,
    /// out[1,0] = (-4)*10 + 5*(-20) + 7*0 + 0*300 + 7 = -133, out[1,1] = 5*10 + (-6)*(-20) + 0*0 + 9*300 + 7 = 2877.
    /// The 3 nonzero weights meet 4 activations each (12 skip tests); one of them is the input 0, so 11 MACs run and
    /// T = 0 skips none; BitShift shifts |w| = 10, 20, 300 right 3 + 4 + 8 = 15 times until it is 1.
    /// </summary>
    [TestMethod]
    public void Hand_written_smoke_case_gives_the_hand_computed_outputs_and_counts()
    {
        string header = File.ReadAllText(Path.Combine(ToolsDirectory(), "cases", "smoke_conv.h"));

        SimulatorResult r = Simulate("conv", header, "asm", count: true);

        CollectionAssert.AreEqual(new short[] { 1477, -1833, -133, 2877 }, r.Output, "outputs");
        CollectionAssert.AreEqual(new long[] { 11, 0, 12, 15 }, r.Counters, "executed, skipped by threshold, skip tests, BitShift steps");
    }

    /// <summary>
    /// The fashion model's conv1 shape (6 x 1 x 5 x 5 on 28 x 28, no padding) with RANDOM weights and bias and the
    /// first Fashion-MNIST test image as input, at T = 0, at a T that skips about half of the nonzero MACs, and at a T
    /// that skips all of them; simulated cycles of three builds against <see cref="CostModel"/>. Prints a table
    /// (also to the file UNIT_MSP430_BENCH_OUT when set) and writes the case headers to UNIT_MSP430_BENCH_CASES when set.
    /// </summary>
    [TestMethod]
    public void Conv1_simulated_cycles_against_the_cost_model()
    {
        if (Environment.GetEnvironmentVariable("UNIT_MSP430_BENCH") != "1" && !Prerequisite.InCi)
        {
            Assert.Inconclusive("Benchmark: set UNIT_MSP430_BENCH=1 to run it (about a minute); it always runs under CI=true.");
        }
        var rng = new Random(2024);
        var conv = new ConvNode("conv1", "x", "y", new Tensor(new Shape(6, 1, 5, 5), TestGraphs.Random(rng, 150, 0.0, 0.5f)),
            TestGraphs.Random(rng, 6, 0, 0.1f), [1, 1], [0, 0], [0, 0], [1, 1], 1);
        var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 1, 28, 28)), [conv], ["y"]);
        float[] x = DatasetLoader.Load(DataFiles.FashionTestImages, DataFiles.FashionTestLabels, limit: 1).Sample(0).ToArray();
        float[] yFloat = new InferenceEngine(graph).Run(new Tensor(graph.Input.Shape.WithBatch(1), x)).Data;
        int inBits = FixedPointMath.FractionBitsFor(x.Max(v => Math.Abs(v)));
        int weightBits = FixedPointMath.FractionBitsFor(conv.Weight.Data.Max(v => Math.Abs(v)));
        int outBits = FixedPointMath.FractionBitsFor(yFloat.Max(v => Math.Abs(v)));
        LayerCase At(float t) => ConvCase(graph, x, inBits, weightBits, outBits, [t]);

        // T that skips about half of the nonzero MACs under BitShift (bisection on the engine's own counts).
        float lo = 0f, hi = 1f;
        for (int i = 0; i < 40; i++)
        {
            float mid = (lo + hi) / 2;
            LayerStatistics s = At(mid).Stats;
            if (s.SkippedThreshold < (s.Executed + s.SkippedThreshold) / 2.0)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        var cases = new (string Label, float T)[] { ("0", 0f), (hi.ToString("0.#####", CultureInfo.InvariantCulture), hi), ("1e6 (skips all)", 1e6f) };
        string[] variants = ["c", "asm", "hw"];
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"conv1 6x1x5x5 on 28x28, no padding; RANDOM weights and bias (seed 2024), input: Fashion-MNIST test image 0; Q in/w/out = {inBits}/{weightBits}/{outBits}; BitShift; clang-14 {Environment.GetEnvironmentVariable("UNIT_MSP430_OPT") ?? "-O2"}");
        report.AppendLine();
        report.AppendLine("| T | MACs | skipped zero | skipped threshold | executed | skip tests | model cycles (MAC / compare / division / memory) | model dense |");
        report.AppendLine("|---|---|---|---|---|---|---|---|");
        var stats = new LayerStatistics[cases.Length];
        var models = new LayerCostEstimate[cases.Length];
        var results = new Dictionary<(int, string), SimulatorResult>();
        for (int ci = 0; ci < cases.Length; ci++)
        {
            LayerCase c = At(cases[ci].T);
            stats[ci] = c.Stats;
            string? caseDir = Environment.GetEnvironmentVariable("UNIT_MSP430_BENCH_CASES");
            if (!string.IsNullOrEmpty(caseDir))
            {
                File.WriteAllText(Path.Combine(caseDir, $"conv1_{(ci == 0 ? "t0" : ci == 1 ? "t50" : "tall")}.h"), c.Header);
            }
            models[ci] = CostModel.EstimateLayer(CostTable.Msp430, c.Stats);
            foreach (string v in variants)
            {
                SimulatorResult r = Simulate(c.Name, c.Header, v, count: false, script: "profile.sh");
                CollectionAssert.AreEqual(c.Expected, r.Output, $"{v} output at T = {cases[ci].Label}");
                results[(ci, v)] = r;
            }
            LayerStatistics s = c.Stats;
            LayerCostEstimate m = models[ci];
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {cases[ci].Label} | {s.Total} | {s.SkippedZero} | {s.SkippedThreshold} | {s.Executed} | {s.ActivationReads} | {m.Cycles:0} ({m.MacCycles:0} / {m.ComparisonCycles:0} / {m.DivisionCycles:0} / {m.MemoryCycles:0}) | {m.DenseCycles:0} |");
        }
        report.AppendLine();
        report.AppendLine("| T | build | simulated MCLK (mspdebug) | corrected cycles (user's guide timings) | model | corrected / model | cycles in unit_mul16 |");
        report.AppendLine("|---|---|---|---|---|---|---|");
        for (int ci = 0; ci < cases.Length; ci++)
        {
            foreach (string v in variants)
            {
                SimulatorResult r = results[(ci, v)];
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {cases[ci].Label} | {v} | {r.Cycles} | {r.CorrectedCycles:0} | {models[ci].Cycles:0} | {r.CorrectedCycles / models[ci].Cycles:0.00} | {r.MultiplyShare:0.0}% |");
            }
        }
        report.AppendLine();
        // Marginal cost of one executed MAC (T = 0 against ~50%; same skip tests) and the cost per skip test when no MAC runs.
        double macDelta = stats[0].Executed - stats[1].Executed;
        foreach (string v in variants)
        {
            double perMac = (results[(0, v)].CorrectedCycles - results[(1, v)].CorrectedCycles) / macDelta;
            double perTest = results[(2, v)].CorrectedCycles / stats[2].ActivationReads;
            report.AppendLine(CultureInfo.InvariantCulture,
                $"{v}: {perMac:0.0} cycles per executed MAC (model {CostTable.Msp430.Multiply + CostTable.Msp430.Add}); " +
                $"{perTest:0.0} cycles per skip test when no MAC runs, all fixed costs included (model {CostTable.Msp430.CompareBranch + CostTable.Msp430.MemoryRead})");
        }
        TestContext.WriteLine(report.ToString());
        Console.WriteLine(report.ToString());
        string? file = Environment.GetEnvironmentVariable("UNIT_MSP430_BENCH_OUT");
        if (!string.IsNullOrEmpty(file))
        {
            File.WriteAllText(file, report.ToString());
        }
    }

    private sealed record LayerCase(string Name, string Header, short[] Expected, LayerStatistics Stats);

    /// <summary>One simulator run; the corrected cycles and the multiply share come from profile.sh (NaN with run.sh).</summary>
    private sealed record SimulatorResult(short[] Output, long[]? Counters, long Cycles, long Instructions, double CorrectedCycles, double MultiplyShare);

    private static PruningConfiguration FixedPoint(PrunableNode layer, int inBits, int weightBits, int outBits, float[] thresholds) => new()
    {
        Thresholds = new ThresholdSet { Layers = { [layer.Name] = thresholds } },
        Division = new BitShiftDivision(),
        Numerics = NumericFormat.FixedPoint16,
        Quantization = new QuantizationPlan { Values = { [layer.Input] = inBits, [layer.Output] = outBits }, Weights = { [layer.Name] = weightBits } },
    };

    /// <summary>Runs the engine (the reference) and writes the same quantized data as a case header for the device.</summary>
    private static (short[] Expected, LayerStatistics Stats) RunEngine(ModelGraph graph, PrunableNode layer, float[] x, int inBits, int weightBits, int outBits, float[] thresholds)
    {
        var stats = new InferenceStatistics();
        float[] y = new InferenceEngine(graph, FixedPoint(layer, inBits, weightBits, outBits, thresholds))
            .Run(new Tensor(graph.Input.Shape.WithBatch(1), x), stats).Data;
        short[] expected = y.Select(v =>
        {
            double q = Math.ScaleB(v, outBits);
            Assert.AreEqual(Math.Round(q), q, "engine outputs are int16 values in the output Q format");
            return checked((short)q);
        }).ToArray();
        return (expected, stats.Layers.Single());
    }

    private static LayerCase ConvCase(ModelGraph graph, float[] x, int inBits, int weightBits, int outBits, float[] thresholds)
    {
        var conv = (ConvNode)graph.PrunableLayers.Single();
        (short[] expected, LayerStatistics stats) = RunEngine(graph, conv, x, inBits, weightBits, outBits, thresholds);
        ConvGeometry g = conv.Geometry(graph.Input.Shape.WithBatch(1));
        int productBits = inBits + weightBits;
        var h = new StringBuilder();
        h.AppendLine(Describe("conv", inBits, weightBits, outBits, thresholds));
        h.AppendLine("#include <stdint.h>");
        h.AppendLine("#define UNIT_CASE_CONV 1");
        h.AppendLine(CultureInfo.InvariantCulture,
            $"#define UNIT_CONV_GEOMETRY_INIT {{ {g.InChannelsPerGroup}, {g.InH}, {g.InW}, {g.OutChannelsPerGroup}, {g.OutH}, {g.OutW}, {g.KernelH}, {g.KernelW}, " +
            $"{g.StrideH}, {g.StrideW}, {g.PadTop}, {g.PadLeft}, {g.DilationH}, {g.DilationW}, {g.Groups} }}");
        AppendCommon(h, productBits - outBits, thresholds.Length, expected.Length, g.OutH * g.OutW);
        AppendArray(h, "int16_t", "unit_input", x.Select(v => (long)FixedPointMath.Quantize(v, inBits)));
        AppendArray(h, "int16_t", "unit_weight", conv.Weight.Data.Select(v => (long)FixedPointMath.Quantize(v, weightBits)));
        AppendArray(h, "int32_t", "unit_bias", (conv.Bias ?? new float[conv.OutputChannels]).Select(v => (long)FixedPointMath.QuantizeWide(v, productBits)));
        AppendArray(h, "int32_t", "unit_thresholds", thresholds.Select(v => (long)FixedPointMath.QuantizeWide(v, productBits)));
        return new LayerCase("conv", h.ToString(), expected, stats);
    }

    private static LayerCase FullyConnectedCase(ModelGraph graph, float[] x, int inBits, int weightBits, int outBits, float[] thresholds)
    {
        var fc = (FullyConnectedNode)graph.PrunableLayers.Single();
        (short[] expected, LayerStatistics stats) = RunEngine(graph, fc, x, inBits, weightBits, outBits, thresholds);
        int k = fc.InputFeatures, n = fc.OutputChannels, productBits = inBits + weightBits;
        var transposed = new long[k * n];
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < k; i++)
            {
                transposed[i * n + j] = FixedPointMath.Quantize(fc.Weight.Data[j * k + i], weightBits);
            }
        }
        var h = new StringBuilder();
        h.AppendLine(Describe("fully connected", inBits, weightBits, outBits, thresholds));
        h.AppendLine("#include <stdint.h>");
        h.AppendLine("#define UNIT_CASE_FC 1");
        h.AppendLine(CultureInfo.InvariantCulture, $"#define UNIT_FC_K {k}");
        h.AppendLine(CultureInfo.InvariantCulture, $"#define UNIT_FC_N {n}");
        AppendCommon(h, productBits - outBits, thresholds.Length, n, n);
        AppendArray(h, "int16_t", "unit_input", x.Select(v => (long)FixedPointMath.Quantize(v, inBits)));
        AppendArray(h, "int16_t", "unit_weight", transposed);
        AppendArray(h, "int32_t", "unit_bias", (fc.Bias ?? new float[n]).Select(v => (long)FixedPointMath.QuantizeWide(v, productBits)));
        AppendArray(h, "int32_t", "unit_thresholds", thresholds.Select(v => (long)FixedPointMath.QuantizeWide(v, productBits)));
        return new LayerCase("fc", h.ToString(), expected, stats);
    }

    private static string Describe(string kind, int inBits, int weightBits, int outBits, float[] thresholds) =>
        string.Create(CultureInfo.InvariantCulture,
            $"/* Generated by Msp430SimulatorTests: one UnIT {kind} layer in int16 fixed point, Q in/weight/out = {inBits}/{weightBits}/{outBits}, T = [{string.Join(", ", thresholds.Select(t => t.ToString("R", CultureInfo.InvariantCulture)))}], BitShift. */");

    private static void AppendCommon(StringBuilder h, int outShift, int thresholdCount, int outLength, int accLength)
    {
        h.AppendLine(CultureInfo.InvariantCulture, $"#define UNIT_OUT_SHIFT {outShift}");
        h.AppendLine(CultureInfo.InvariantCulture, $"#define UNIT_THRESHOLD_COUNT {thresholdCount}");
        h.AppendLine(CultureInfo.InvariantCulture, $"#define UNIT_OUT_LEN {outLength}");
        h.AppendLine(CultureInfo.InvariantCulture, $"#define UNIT_ACC_LEN {accLength}");
    }

    private static void AppendArray(StringBuilder h, string type, string name, IEnumerable<long> values)
    {
        // On the MSP430 an int is 16 bits: int32 literals carry L, and the most negative values are spelled as expressions.
        string Literal(long v) => type == "int32_t"
            ? v == int.MinValue ? "(-2147483647L - 1)" : v.ToString(CultureInfo.InvariantCulture) + "L"
            : v == short.MinValue ? "(-32767 - 1)" : v.ToString(CultureInfo.InvariantCulture);
        h.Append(CultureInfo.InvariantCulture, $"static const {type} {name}[] = {{");
        int i = 0;
        foreach (long v in values)
        {
            h.Append(i % 16 == 0 ? "\n    " : " ").Append(Literal(v)).Append(',');
            i++;
        }
        h.AppendLine("\n};");
    }

    private static void AssertSameAsEngine(LayerCase c, SimulatorResult r)
    {
        CollectionAssert.AreEqual(c.Expected, r.Output, "device int16 outputs vs the C# engine");
        Assert.IsNotNull(r.Counters);
        Assert.AreEqual(4, r.Counters.Length, "counters");
        Assert.AreEqual(c.Stats.Executed, r.Counters[0], "executed MACs");
        Assert.AreEqual(c.Stats.SkippedThreshold, r.Counters[1], "MACs skipped by threshold");
        // Conv tests activations; FC tests (nonzero input, neuron) pairs, i.e. the weights it reads.
        Assert.AreEqual(c.Name == "conv" ? c.Stats.ActivationReads : c.Stats.WeightReads, r.Counters[2], "skip tests");
        // BitShift charges 2 shifts per loop step (one of |C|, one of T).
        Assert.AreEqual(c.Stats.Division.Shifts, 2 * r.Counters[3], "BitShift loop steps");
    }

    /// <summary>Builds and runs the case header <paramref name="header"/> (a conv or fc layer, <paramref name="name"/>) with run.sh or profile.sh.</summary>
    private SimulatorResult Simulate(string name, string header, string variant, bool count, string script = "run.sh")
    {
        string runSh = Path.Combine(ToolsDirectory(), script);
        foreach (string tool in Tools)
        {
            if (!OnPath(tool))
            {
                throw Prerequisite.Missing($"{tool} is not installed (Debian: clang-14, lld-14, llvm-14, mspdebug); the MSP430 cross-check needs it.");
            }
        }
        string dir = DataFiles.TempDirectory();
        string headerFile = Path.Combine(dir, "case.h");
        File.WriteAllText(headerFile, header);
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("UNIT_MSP430_CACHE")))
        {
            // Case-independent objects are compiled once per build flavour (run.sh rebuilds them when sources change).
            psi.Environment["UNIT_MSP430_CACHE"] = Path.Combine(Path.GetTempPath(), "unit-msp430-cache");
        }
        psi.ArgumentList.Add(runSh);
        psi.ArgumentList.Add("--variant");
        psi.ArgumentList.Add(variant);
        if (count)
        {
            psi.ArgumentList.Add("--count");
        }
        psi.ArgumentList.Add(headerFile);
        if (script == "run.sh")
        {
            psi.ArgumentList.Add(Path.Combine(dir, "build"));
        }
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"run.sh timed out; case in {dir}");
        }
        string output = stdout.Result, errors = stderr.Result;
        if (p.ExitCode == 2)
        {
            throw Prerequisite.Missing($"{script}: {errors.Trim()}.");
        }
        Assert.AreEqual(0, p.ExitCode, $"run.sh failed (case in {dir}):\n{errors}\n{output}");
        string[][] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 2))
            .Where(kv => kv.Length == 2)
            .ToArray();
        var fields = lines.Where(kv => kv[0] != "function").ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim());
        // profile.sh: "function: NAME SHARE_SIM% SHARE_GUIDE%".
        double multiplyShare = lines.Where(kv => kv[0] == "function")
            .Select(kv => kv[1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[0] == "unit_mul16")
            .Select(f => double.Parse(f[2].TrimEnd('%'), CultureInfo.InvariantCulture))
            .DefaultIfEmpty(script == "run.sh" ? double.NaN : 0)
            .First();
        short[] values = fields["out"].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => short.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        long[]? counters = fields.TryGetValue("counters", out string? cs)
            ? cs.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : null;
        TestContext.WriteLine($"{name} [{variant}{(count ? ", counting" : "")}]: {fields["cycles"]} cycles, {fields["instructions"]} instructions");
        if (Directory.Exists(Path.Combine(dir, "build")))
        {
            Directory.Delete(Path.Combine(dir, "build"), recursive: true); // the ELF and log are kept only when run.sh failed
        }
        return new SimulatorResult(values, counters, long.Parse(fields["cycles"], CultureInfo.InvariantCulture),
            long.Parse(fields["instructions"], CultureInfo.InvariantCulture),
            fields.TryGetValue("corrected_cycles", out string? cc) ? double.Parse(cc, CultureInfo.InvariantCulture) : double.NaN,
            multiplyShare);
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(d => File.Exists(Path.Combine(d, tool)));

    /// <summary>tools/msp430 of this checkout (found from this source file's path), or UNIT_MSP430_TOOLS.</summary>
    private static string ToolsDirectory([CallerFilePath] string thisFile = "")
    {
        string? dir = Environment.GetEnvironmentVariable("UNIT_MSP430_TOOLS");
        if (string.IsNullOrEmpty(dir))
        {
            // tests/UnIT.ML.Tests/Targets/<this file> -> repository root.
            string? root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(thisFile))));
            dir = root is null ? "" : Path.Combine(root, "tools", "msp430");
        }
        if (!File.Exists(Path.Combine(dir, "run.sh")))
        {
            Assert.Fail($"tools/msp430/run.sh not found at '{dir}'; set UNIT_MSP430_TOOLS to the folder.");
        }
        return dir;
    }
}
