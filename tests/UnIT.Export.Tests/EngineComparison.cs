using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.Export.Tests;

/// <summary>
/// Exports a model, compiles the C with the machine's C compiler, runs it on the samples and compares with the C# engine
/// of the same configuration: outputs identical bit for bit and the same MAC counters per prunable layer.
/// </summary>
internal static class EngineComparison
{
    /// <summary>Checks <paramref name="count"/> samples of <paramref name="input"/>; returns the export (for its byte counts).</summary>
    public static CExportResult Check(PrunedModel model, Tensor input, int count, bool dense, TestContext context)
    {
        string compiler = HostCompiler.Find() ?? throw Assets.Missing("No C compiler (cc, gcc or clang) found; install gcc.");
        CExportResult export = CExporter.Export(model, new CExportOptions { Dense = dense });
        var stats = new InferenceStatistics();
        float[] expected = model.Engine.Run(input, stats).Data;
        string dir = Path.Combine(Path.GetTempPath(), $"unit-export-{Guid.NewGuid():N}");
        try
        {
            (float[] outputs, uint[] counts) = HostCompiler.BuildAndRun(compiler, export, dir, input.Data, count);

            Assert.HasCount(expected.Length, outputs);
            int bad = Enumerable.Range(0, expected.Length).FirstOrDefault(i => BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(outputs[i]), -1);
            Assert.AreEqual(-1, bad, bad < 0 ? "" : $"output {bad} (image {bad / (expected.Length / count)}): C gives {outputs[bad]:R}, the engine {expected[bad]:R}");
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
            context.WriteLine($"{model.Graph.Name} {model.Profile.Name}{(dense ? " dense" : "")}: {count} images bit-identical; constants {export.ConstantBytes} B, RAM {export.RamBytes} B");
            return export;
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
