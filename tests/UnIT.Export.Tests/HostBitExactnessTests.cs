using System.Globalization;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.Onnx;

namespace UnIT.Export.Tests;

/// <summary>
/// The generated C, compiled with the machine's C compiler and run on real test images, against the C# engine of the
/// same configuration: logits identical bit for bit (msp430: int16 fixed point; max78000: float32 built with
/// -ffp-contract=off, same summation order) and the same MAC counters per layer. Without a C compiler these fail under
/// CI=true and are Inconclusive elsewhere. UNIT_EXPORT_HOST_IMAGES sets how many images (default 200).
/// </summary>
[TestClass]
public sealed class HostBitExactnessTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("mnist", "msp430", null, false)]
    [DataRow("fashion", "msp430", "binarytree", true)]
    [DataRow("mnist", "max78000", null, true)]
    [DataRow("fashion", "max78000", "bitshift", false)]
    public void Generated_C_equals_the_engine_on_test_images(string dataset, string profile, string? division, bool groupWise)
    {
        (ModelGraph graph, SampleSet test, SampleSet calibration) = Assets.Load(dataset, Images);
        PrunedModel model = PrunedModel.Create(graph,
            new PruningOptions { Profile = profile, Percentile = 50, Division = division, GroupWise = groupWise },
            calibration.Batches(graph.Input.Shape, 256));

        CheckAgainstEngine(model, test, dense: false);
    }

    [TestMethod]
    [DataRow("fashion", "msp430")]
    public void Dense_variant_runs_every_MAC_and_equals_the_engine_at_T_zero(string dataset, string profile)
    {
        (ModelGraph graph, SampleSet test, SampleSet calibration) = Assets.Load(dataset, Images);
        PrunedModel model = PrunedModel.Create(graph, new PruningOptions { Profile = profile, Percentile = 50 }, calibration.Batches(graph.Input.Shape, 256));

        CheckAgainstEngine(model.WithThresholds(ThresholdSet.Zero(graph)), test, dense: true);
    }

    private static int Images => int.TryParse(Environment.GetEnvironmentVariable("UNIT_EXPORT_HOST_IMAGES"), CultureInfo.InvariantCulture, out int n) ? n : 200;

    private void CheckAgainstEngine(PrunedModel model, SampleSet test, bool dense)
    {
        string compiler = HostCompiler.Find() ?? throw Assets.Missing("No C compiler (cc, gcc or clang) found; install gcc.");
        CExportResult export = CExporter.Export(model, new CExportOptions { Dense = dense });
        Tensor input = test.ToTensor(model.Graph.Input.Shape);
        var stats = new InferenceStatistics();
        float[] expected = model.Engine.Run(input, stats).Data;
        string dir = Path.Combine(Path.GetTempPath(), $"unit-export-{Guid.NewGuid():N}");
        try
        {
            (float[] outputs, uint[] counts) = HostCompiler.BuildAndRun(compiler, export, dir, input.Data, test.Count);

            Assert.HasCount(expected.Length, outputs);
            int bad = Enumerable.Range(0, expected.Length).FirstOrDefault(i => BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(outputs[i]), -1);
            Assert.AreEqual(-1, bad, bad < 0 ? "" : $"output {bad} (image {bad / 10}): C gives {outputs[bad]:R}, the engine {expected[bad]:R}");
            for (int l = 0; l < export.Layers.Count; l++)
            {
                LayerStatistics s = stats.For(export.Layers[l]);
                long executed = counts[3 * l], skipped = counts[3 * l + 1], tested = counts[3 * l + 2];
                bool conv = model.Graph.Layer(export.Layers[l]) is ConvNode;
                if (dense)
                {
                    Assert.AreEqual(s.Total, executed, $"{export.Layers[l]}: the dense build runs every MAC");
                    continue;
                }
                Assert.AreEqual(s.Executed, executed, $"{export.Layers[l]}: executed MACs");
                Assert.AreEqual(s.SkippedThreshold, skipped, $"{export.Layers[l]}: MACs skipped by threshold");
                Assert.AreEqual(conv ? s.ActivationReads : s.WeightReads, tested, $"{export.Layers[l]}: skip tests");
            }
            if (!dense)
            {
                Assert.IsTrue(stats.Layers.Sum(l => l.SkippedThreshold) > 0, "the thresholds should skip MACs");
            }
            TestContext.WriteLine($"{model.Graph.Name} {model.Profile.Name}{(dense ? " dense" : "")}: {test.Count} images bit-identical; constants {export.ConstantBytes} B, RAM {export.RamBytes} B");
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
