using System.Text.RegularExpressions;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.Onnx;

namespace UnIT.Export.Tests;

/// <summary>
/// The whole generated model, cross-compiled for the MSP430 (clang-14, ld.lld-14) and run in mspdebug's simulator on a real
/// test image: its int16 logits must equal the C# engine's (fashion_mnist_cnn also runs its float input normalization
/// on tools/msp430's soft-float runtime), and the per-node cycles must add up to the whole; the skip-compensated models
/// too (int16 constants, accumulators in SRAM: below 64 KiB of FRAM), and every division approximator. A build too large
/// for the simulated FRAM is refused with its overflow. One image and one build per case, to keep CI short; `unit-prune
/// mcu-bench` runs the rest. Without the toolchain this fails under CI=true, else is Inconclusive.
/// </summary>
[TestClass]
public sealed class SimulatorTests
{
    [TestMethod]
    [DataRow("mnist", false)]
    [DataRow("fashion", false)]
    [DataRow("mnist", true)]
    [DataRow("fashion", true)]
    public void Whole_pruned_model_gives_the_engines_logits_in_the_MSP430_simulator(string dataset, bool compensated)
    {
        (ModelGraph graph, SampleSet test, SampleSet calibration) = Assets.Load(dataset, 1);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = "msp430", Percentile = 50, SkipCompensation = compensated },
            calibration.Batches(graph.Input.Shape, 256));

        McuBuild pruned = Simulate(model, test.ToTensor(graph.Input.Shape), ("hw", "hwmul"));

        Assert.IsTrue(pruned.LogitsMatch, "the simulated MSP430 logits differ from the C# engine's");
        Assert.IsGreaterThan(1_000_000d, pruned.Cycles, "a whole CNN inference takes millions of cycles");
        Assert.IsGreaterThan(0L, pruned.CodeBytes);
        // The FRAM left free (msp430.ld gives the program 0xBF80 bytes): below what code, constants and the bench image leave,
        // since the FRAM buffers take some of it, and at least what they leave were every byte of RAM B in FRAM (less 64 B of
        // section alignment).
        long room = 0xBF80 - pruned.CodeBytes - pruned.ConstantBytes - 2L * graph.InputSampleSize;
        Assert.IsTrue(pruned.FramSpareBytes > 0 && pruned.FramSpareBytes < room && pruned.FramSpareBytes >= room - pruned.RamBytes - 64,
            $"FRAM spare {pruned.FramSpareBytes:N0} B; code + constants + image leave {room:N0} B, RAM {pruned.RamBytes:N0} B");
        CollectionAssert.AreEqual(graph.Nodes.Select(n => n.Name).Append("(other)").ToArray(), pruned.Layers.Select(l => l.Name).ToArray());
        Assert.AreEqual(pruned.Cycles, pruned.Layers.Sum(l => l.Cycles), 1.0, "the per-node spans add up to the whole");
        Assert.IsNull(pruned.Layers[^1].Estimate, "startup and the copies in and out are not a node");
        Assert.IsTrue(pruned.Layers.SkipLast(1).All(l => l.Estimate is not null), "the calibrated table prices every node of the shipped models");
        Assert.IsGreaterThan(pruned.Cycles / 2, pruned.Layers.Where(l => graph.PrunableLayers.Any(p => p.Name == l.Name)).Sum(l => l.Cycles), "the convolutions dominate");

        // The calibrated table was fitted on 5-image mcu-bench runs of these models (docs/deployment.md: whole model within
        // 3.2 %, a convolution within 6 %); one image at p50, compensated or not, stays within 5 %, and a node within 15 %
        // (fashion's soft-float normalization takes 11 % fewer cycles on the first test image than on the mean of five).
        Assert.IsLessThan(0.05, Math.Abs(pruned.CalibratedEstimatedCycles / pruned.Cycles - 1),
            $"calibrated estimate {pruned.CalibratedEstimatedCycles:N0} against {pruned.Cycles:N0} simulated cycles");
        foreach (McuLayer layer in pruned.Layers.Where(l => l.Cycles > pruned.Cycles / 20))
        {
            Assert.IsLessThan(0.15, Math.Abs(layer.Estimate!.Value / layer.Cycles - 1), $"{layer.Name}: estimate {layer.Estimate:N0} against {layer.Cycles:N0} cycles");
        }
    }

    [TestMethod]
    [DataRow("swmul")]
    [DataRow("hwmul")]
    public void Strided_convolutions_and_the_last_layer_are_priced_by_their_tested_loops(string multiply)
    {
        // Stride-2 convolutions take the tested loop, not sorted lists; the calibrated tables price it apart (CostTable.TestedConvolutions),
        // fitted on larger layers (28x28 MNIST input, 14 or 13 output rows and 7): these 7- and 4-row layers measured within 7.4 %.
        var p = new SeededParameters(21);
        Node[] nodes =
        [
            new ConvNode("c1", "x", "a1", p.Weights(4, 2, 3, 3), p.Bias(4), [1, 1], [1, 1], [1, 1], [1, 1], 1),
            new ActivationNode("r1", "a1", "h1", ActivationKind.Relu),
            new ConvNode("s2", "h1", "a2", p.Weights(8, 4, 3, 3), p.Bias(8), [2, 2], [1, 1], [1, 1], [1, 1], 1),
            new ActivationNode("r2", "a2", "h2", ActivationKind.Relu),
            new ConvNode("s2b", "h2", "a3", p.Weights(8, 8, 3, 3), p.Bias(8), [2, 2], [1, 1], [1, 1], [1, 1], 1),
            new FlattenNode("flat", "a3", "f", 1),
            DagExportTests.Dense("fc", "f", "y", 8 * 4 * 4, 6, 5),
        ];
        var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 2, 14, 14)), nodes, ["y"], "strided");
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = "msp430", Percentile = 50 }, [DagExportTests.Random(graph, 32, seed: 3)]);

        McuBuild pruned = Simulate(model, DagExportTests.Random(graph, 1, seed: 4), (multiply == "hwmul" ? "hw" : "asm", multiply));

        Assert.IsTrue(pruned.LogitsMatch, "the simulated MSP430 outputs differ from the C# engine's");
        foreach (string strided in new[] { "s2", "s2b" })
        {
            McuLayer layer = pruned.Layers.Single(l => l.Name == strided);
            Assert.IsLessThan(0.10, Math.Abs(layer.Estimate!.Value / layer.Cycles - 1), $"{strided}: estimate {layer.Estimate:N0} against {layer.Cycles:N0} cycles");
        }
        // The 6-neuron fully connected layer takes the tested loop (CostTable.TestedFullyConnected, fitted on layers of 10 to 32
        // neurons: within 10.9 % / 8.4 % without compensation; this one -10.7 % / -8.0 %).
        McuLayer fc = pruned.Layers.Single(l => l.Name == "fc");
        Assert.IsLessThan(0.15, Math.Abs(fc.Estimate!.Value / fc.Cycles - 1), $"fc: estimate {fc.Estimate:N0} against {fc.Cycles:N0} cycles");
    }

    [TestMethod]
    [DataRow("swmul", false, false, 0.15)]
    [DataRow("hwmul", false, false, 0.05)]
    [DataRow("swmul", true, false, 0.10)]
    [DataRow("hwmul", true, false, 0.05)]
    [DataRow("swmul", true, true, 0.10)]
    [DataRow("hwmul", true, true, 0.05)]
    public void Fully_connected_layers_are_priced_by_the_loop_the_C_runs(string multiply, bool groupWise, bool compensated, double bound)
    {
        // With one threshold, 24 neurons take sorted columns (one binary search per nonzero input, no test per weight); the
        // calibrated tables price them apart (CostTable.SortedColumns), fitted on seeded CNNs over MNIST digits: within 3.8 %
        // with the multiplier and 15 % with software multiply, whose shift-and-add time depends on the operands (this layer:
        // +1.1 % / -6.2 %). The tested loop's prices had been up to 558 % / 57 % off.
        // With a threshold per neuron, the C's grouped loop finds each nonzero input's exponent once and looks each neuron's
        // threshold up, where the engine counts the approximator's work per neuron; the tables price that loop apart too
        // (CostTable.GroupedFullyConnected, the same seeded CNNs): within 3.6 % / 8.9 % (this layer: +0.3 % / -5.3 %). The tested
        // loop's prices, charging the approximator per neuron, had put such layers 20 to 196 % high. With skip compensation
        // the loop adds each skipped weight's constant to its neuron's sum and scales the sums once; the tables price that
        // apart too (CostTable.FullyConnectedCompensation, fitted on four seeded CNNs against the same CNNs without
        // compensation: within 3.1 % / 4.0 %; this layer -3.6 % / +0.4 %), where the list convolutions' price per compensated
        // skip had put such layers 3 to 43 % low.
        McuLayer layer = SimulateHiddenLayer(multiply, new PruningOptions { GroupWise = groupWise, SkipCompensation = compensated });

        Assert.IsLessThan(bound, Math.Abs(layer.Estimate!.Value / layer.Cycles - 1), $"hidden: estimate {layer.Estimate:N0} against {layer.Cycles:N0} cycles");
    }

    [TestMethod]
    [DataRow(false, false)]
    [DataRow(true, false)]
    [DataRow(false, true)]
    public void Exact_divisions_in_fully_connected_loops_are_priced_as_the_software_divisions_they_are(bool groupWise, bool compensated)
    {
        // Exact division divides T by |x| on the device: once per nonzero input by sorted columns and in the tested loop (the
        // compensated one-threshold layer), once per nonzero input and neuron in the grouped loop. The MSP430 has no divider,
        // and one 32-bit software division measured 3,600 to 3,900 cycles (CostTable's sources); at the paper's 77 such
        // layers had come out 3 to 20 times low.
        McuLayer layer = SimulateHiddenLayer("hwmul", new PruningOptions { GroupWise = groupWise, SkipCompensation = compensated, Division = "exact" });

        Assert.IsLessThan(0.10, Math.Abs(layer.Estimate!.Value / layer.Cycles - 1), $"hidden: estimate {layer.Estimate:N0} against {layer.Cycles:N0} cycles");
    }

    /// <summary>
    /// A conv -> FC 24 ("hidden") -> FC 6 graph on seeded weights with only "hidden" pruned (p60, <paramref name="options"/>'
    /// group-wise, compensation and division), simulated on one random input; its logits checked against the engine's.
    /// </summary>
    private static McuLayer SimulateHiddenLayer(string multiply, PruningOptions options)
    {
        var p = new SeededParameters(23);
        Node[] nodes =
        [
            new ConvNode("c1", "x", "a1", p.Weights(4, 2, 3, 3), p.Bias(4), [2, 2], [1, 1], [1, 1], [1, 1], 1),
            new ActivationNode("r1", "a1", "h1", ActivationKind.Relu),
            new FlattenNode("flat", "h1", "f", 1),
            DagExportTests.Dense("hidden", "f", "z", 4 * 7 * 7, 24, 6),
            new ActivationNode("r2", "z", "hz", ActivationKind.Relu),
            DagExportTests.Dense("fc", "hz", "y", 24, 6, 7),
        ];
        var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 2, 14, 14)), nodes, ["y"], "columns");
        PrunedModel model = PrunedModel.Create(graph, options with
        {
            Profile = "msp430", Percentile = 0, LayerPercentiles = new Dictionary<string, double> { ["hidden"] = 60 },
        }, [DagExportTests.Random(graph, 32, seed: 3)]);

        McuBuild pruned = Simulate(model, DagExportTests.Random(graph, 1, seed: 4), (multiply == "hwmul" ? "hw" : "asm", multiply));

        Assert.IsTrue(pruned.LogitsMatch, "the simulated MSP430 outputs differ from the C# engine's");
        return pruned.Layers.Single(l => l.Name == "hidden");
    }

    [TestMethod]
    [DataRow("exact")]
    [DataRow("binarytree")]
    [DataRow("bitmask")]
    public void Every_division_approximator_links_and_gives_the_engines_logits_in_the_MSP430_simulator(string division)
    {
        // Exact division divides each threshold by |x| at run time: 32-bit division, which the MSP430 does in software.
        (ModelGraph graph, SampleSet test, SampleSet calibration) = Assets.Load("mnist", 1);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = "msp430", Percentile = 50, Division = division },
            calibration.Batches(graph.Input.Shape, 256));

        McuBuild pruned = Simulate(model, test.ToTensor(graph.Input.Shape), ("hw", "hwmul"));

        Assert.IsTrue(pruned.LogitsMatch, $"{division}: the simulated MSP430 logits differ from the C# engine's");
    }

    [TestMethod]
    public void A_model_larger_than_the_simulated_FRAM_is_refused_before_building_naming_its_sizes()
    {
        // The residual network's constants and buffers (about 150 KB) exceed the 64 KiB address space the simulator models.
        ModelGraph graph = OnnxImporter.Import(Path.Combine(AppContext.BaseDirectory, "assets", "models", "fashion_mnist_resnet.onnx"));
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = "msp430", Percentile = 50 }, [DagExportTests.Random(graph, 8, seed: 2)]);

        var e = Assert.ThrowsExactly<CExportException>(() => McuBench.Run(model, DagExportTests.Random(graph, 1, seed: 3), Tools(), dense: false));

        StringAssert.Contains(e.Message, "bytes of constants");
        StringAssert.Contains(e.Message, "FRAM");
    }

    [TestMethod]
    public void A_build_whose_code_does_not_fit_beside_its_constants_is_refused_naming_the_overflow()
    {
        // One fully connected layer: its constants (about 47,700 B) pass the size check made before building, the code does not fit beside them.
        var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 98)), [DagExportTests.Dense("fc", "x", "y", 98, 160, 8)], ["y"], "wide_fc");
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = "msp430", Percentile = 50 }, [DagExportTests.Random(graph, 16, seed: 9)]);

        CExportException e = Refusal(model, DagExportTests.Random(graph, 1, seed: 10));

        StringAssert.Contains(e.Message, "pruned build of 'wide_fc' does not fit the simulated MSP430");
        StringAssert.Matches(e.Message, new Regex(@"exceed the 49,024 bytes of FRAM below 64 KiB by [\d,]+ bytes \(tools"));
    }

    [TestMethod]
    public void A_build_needing_double_arithmetic_is_refused_naming_the_missing_helpers()
    {
        // Div of two run-time values goes through double; the simulator's runtime has 32-bit helpers only.
        var graph = new ModelGraph(new ValueInfo("x", new Shape(Shape.Dynamic, 8)),
            [DagExportTests.Dense("f1", "x", "a", 8, 6, 1), DagExportTests.Dense("f2", "x", "b", 8, 6, 2), new BinaryNode("div", "a", "b", "y", ElementwiseOp.Div)],
            ["y"], "ratio");
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = "msp430", Percentile = 50 }, [DagExportTests.Random(graph, 16, seed: 9)]);

        CExportException e = Refusal(model, DagExportTests.Random(graph, 1, seed: 10));

        StringAssert.Contains(e.Message, "pruned build of 'ratio' needs runtime helpers tools/msp430 does not provide: ");
        StringAssert.Contains(e.Message, "__mspabi_divd");
        Assert.DoesNotContain("\n", e.Message, "one line, not the linker's output");
    }

    [TestMethod]
    public void Branching_graph_with_residual_joins_of_two_Q_formats_gives_the_engines_outputs_in_the_MSP430_simulator()
    {
        // Add/Mul/Max/Sub of two run-time values in different Q formats, in integers on a 16-bit-int target.
        ModelGraph graph = DagExportTests.Branching(seed: 7);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = "msp430", Percentile = 50 }, [DagExportTests.Random(graph, 64, seed: 1)]);
        McuBuild pruned = Simulate(model, DagExportTests.Random(graph, 3, seed: 2), ("c", "swmul"));

        Assert.IsTrue(pruned.LogitsMatch, "the simulated MSP430 outputs differ from the C# engine's");
        Assert.IsGreaterThan(0d, pruned.Layers.Single(l => l.Name == "add").Cycles, "the residual join ran");
        // The calibrated table prices every op here (before the ops beyond the shipped CNNs' were measured, a third of this
        // graph's cycles went unpriced). Measured -14.6 %: this build multiplies by the compiler's plain-C routine, which the
        // table does not price (with tools/msp430's assembly multiply -7.4 %, with the multiplier -7.3 %; docs/deployment.md).
        Assert.IsTrue(pruned.Layers.SkipLast(1).All(l => l.Estimate is not null), "every node is priced");
        Assert.IsLessThan(0.20, Math.Abs(pruned.CalibratedEstimatedCycles / pruned.Cycles - 1),
            $"calibrated estimate {pruned.CalibratedEstimatedCycles:N0} against {pruned.Cycles:N0} simulated cycles");
    }

    /// <summary>The exception refusing the pruned build; a missing toolchain stays Inconclusive rather than a failed assertion.</summary>
    private static CExportException Refusal(PrunedModel model, Tensor images)
    {
        try
        {
            Simulate(model, images, ("c", "swmul"));
        }
        catch (CExportException e) when (e.GetType() == typeof(CExportException))
        {
            return e;
        }

        throw new AssertFailedException("the build was not refused");
    }

    private static string Tools() => McuBench.FindTools(AppContext.BaseDirectory) ?? McuBench.FindTools(Environment.CurrentDirectory)
        ?? throw new AssertFailedException("tools/msp430 not found above the test folder.");

    /// <summary>The pruned build alone, in one variant; Inconclusive (or a failure under CI=true) without the toolchain.</summary>
    private static McuBuild Simulate(PrunedModel model, Tensor images, (string Variant, string Multiply) variant)
    {
        try
        {
            return McuBench.Run(model, images, Tools(), dense: false, variants: [variant]).Single();
        }
        catch (CExportException e) when (e.Message.Contains("a tool is missing", StringComparison.Ordinal))
        {
            throw Assets.Missing(e.Message);
        }
    }
}
