using System.Globalization;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.Export.Tests;

/// <summary>
/// The max78000 C built for a Cortex-M4F (arm-none-eabi-gcc) and run in qemu-system-arm: outputs identical to the C#
/// float32 emulation bit for bit (the dense build to rounding: see below), and the instructions each build executes (QEMU -icount; QEMU models no cycles). UNIT_M4_IMAGES sets how many
/// test images (default 1). Without the tools: a failure under CI=true, else Inconclusive.
/// </summary>
[TestClass]
public sealed class CortexM4Tests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Cortex_M4_logits_equal_the_engine_and_instructions_are_counted()
    {
        string tools = CortexM4Run.FindTools(AppContext.BaseDirectory) ?? throw new AssertFailedException("tools/cortex-m4 was not copied next to the tests.");
        if (!OnPath("arm-none-eabi-gcc") || !OnPath("qemu-system-arm"))
        {
            throw Assets.Missing("arm-none-eabi-gcc or qemu-system-arm is not installed (Debian: gcc-arm-none-eabi qemu-system-arm).");
        }
        int images = int.TryParse(Environment.GetEnvironmentVariable("UNIT_M4_IMAGES"), CultureInfo.InvariantCulture, out int n) ? n : 1;
        (ModelGraph graph, SampleSet test, SampleSet calibration) = Assets.Load("mnist", images);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = "max78000", Percentile = 50 }, calibration.Batches(graph.Input.Shape, 100));
        Tensor input = test.ToTensor(graph.Input.Shape);
        float[] expected = model.Engine.Run(input).Data;
        float[] expectedDense = model.WithThresholds(ThresholdSet.Zero(graph)).Engine.Run(input).Data;
        int outSize = expected.Length / test.Count;
        (IReadOnlyList<CortexM4Result> dense, IReadOnlyList<CortexM4Result> pruned) = CortexM4Run.RunBuilds(model, input, tools);

        for (int s = 0; s < test.Count; s++)
        {
            CortexM4Result full = dense[s];
            CollectionAssert.AreEqual(expected.AsSpan(s * outSize, outSize).ToArray().Select(BitConverter.SingleToInt32Bits).ToArray(),
                pruned[s].Outputs.Select(BitConverter.SingleToInt32Bits).ToArray(), $"image {s}: UnIT build's logits");
            // The dense C runs every MAC in the pruned kernels' order; the engine's float dense path sums in its own
            // order, so the dense build agrees to rounding only (the UnIT build above is the bit-exact claim).
            for (int o = 0; o < outSize; o++)
            {
                float e = expectedDense[s * outSize + o];
                Assert.AreEqual(e, full.Outputs[o], 1e-5f * Math.Max(1f, Math.Abs(e)), $"image {s}: dense build's output {o}");
            }
            // Every MAC is at least one instruction (VFMA.F32); the counts are reported, not ranked: on an FPU core a
            // skip test can cost more instructions than the multiply-add it saves.
            Assert.IsTrue(full.Instructions >= graph.TotalMacsPerSample, $"image {s}: dense {full.Instructions:N0} instructions for {graph.TotalMacsPerSample:N0} MACs");
            // Each layer's kernel is inlined and specialized on its geometry (UNIT_LAYER_KERNEL): 7.4 instructions per MAC
            // here, where the one generic copy two layers shared took 9.4.
            Assert.IsLessThan(8.5 * graph.TotalMacsPerSample, full.Instructions, $"image {s}: the dense build's layer kernels should be specialized");
            // So is each max pool: about 9.4 instructions per window read, where the generic copy took 25 to 27.
            foreach ((Node pool, int j) in graph.Nodes.Select((node, j) => (node, j)).Where(p => p.node is PoolNode))
            {
                Assert.IsLessThan(12.0 * CostModel.ElementsPerSample(graph, pool), full.NodeInstructions[j], $"image {s}: {pool.Name} should be specialized");
            }
            Assert.IsTrue(pruned[s].Instructions > 0, $"image {s}: UnIT build {pruned[s].Instructions:N0} instructions");
            // The nodes' spans cover the inference but for its input and output copies.
            foreach (CortexM4Result run in new[] { full, pruned[s] })
            {
                Assert.HasCount(graph.Nodes.Count, run.NodeInstructions, $"image {s}: one span per node");
                long nodes = run.NodeInstructions.Sum();
                Assert.IsTrue(nodes <= run.Instructions && nodes >= 0.99 * run.Instructions, $"image {s}: nodes {nodes:N0} of {run.Instructions:N0} instructions");
            }
            TestContext.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"mnist_cnn image {s}: Cortex-M4F (QEMU mps2-an386) instructions dense {full.Instructions:N0}, UnIT p50 {pruned[s].Instructions:N0} ({(double)full.Instructions / pruned[s].Instructions:F2}x); logits bit-identical"));
        }
    }

    [TestMethod]
    public void Cortex_M4_fully_connected_layers_run_the_instructions_their_loop_prices_estimate()
    {
        string tools = CortexM4Run.FindTools(AppContext.BaseDirectory) ?? throw new AssertFailedException("tools/cortex-m4 was not copied next to the tests.");
        if (!OnPath("arm-none-eabi-gcc") || !OnPath("qemu-system-arm"))
        {
            throw Assets.Missing("arm-none-eabi-gcc or qemu-system-arm is not installed (Debian: gcc-arm-none-eabi qemu-system-arm).");
        }
        (ModelGraph graph, SampleSet test, SampleSet calibration) = Assets.Load("mnist", 1);
        Tensor input = test.ToTensor(graph.Input.Shape);
        int fc = graph.Nodes.ToList().FindIndex(n => n is FullyConnectedNode);
        string dir = Path.Combine(Path.GetTempPath(), $"unit-m4-fc-{Guid.NewGuid():N}");
        try
        {
            // One threshold (the tested loop) and a threshold per neuron (the grouped loop), plain and compensated: until the
            // loops had prices of their own (CostTable.CortexM4Instructions' TestedFullyConnected, GroupedFullyConnected,
            // FullyConnectedCompensation) fc1 came out 8% low here with one threshold, and 80% high group-wise on five digits.
            foreach ((bool groupWise, bool compensated) in new[] { (false, false), (true, false), (false, true), (true, true) })
            {
                PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = "max78000", Percentile = 50, GroupWise = groupWise, SkipCompensation = compensated },
                    calibration.Batches(graph.Input.Shape, 100));
                var stats = new InferenceStatistics();
                model.Engine.Run(input, stats);
                CortexM4Result run = CortexM4Run.Run(CExporter.Export(model), input.Data, tools, dir);
                double estimate = CostModel.EstimateLayer(CostTable.CortexM4Instructions, stats.For(graph.Nodes[fc].Name)).Cycles;
                long measured = run.NodeInstructions[fc];
                Assert.AreEqual(1.0, estimate / measured, 0.05,
                    $"{graph.Nodes[fc].Name}{(groupWise ? " group-wise" : "")}{(compensated ? " compensated" : "")}: estimated {estimate:N0}, measured {measured:N0} instructions");
            }
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, tool)));
}
