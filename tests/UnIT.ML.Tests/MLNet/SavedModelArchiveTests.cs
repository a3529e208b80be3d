using System.IO.Compression;
using Microsoft.ML;
using UnIT.ML.MLNet;
using UnIT.ML.Pruning;
using UnIT.Onnx.MLNet;
using static UnIT.ML.Tests.MLNet.FashionMnistViews;

namespace UnIT.ML.Tests.MLNet;

[TestClass]
public sealed class SavedModelArchiveTests
{
    private static string TempZip(Action<ZipArchive> fill)
    {
        string path = Path.Combine(Path.GetTempPath(), $"unit-archive-{Guid.NewGuid():N}.zip");
        using (ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            fill(zip);
        }
        return path;
    }

    private static void Entry(ZipArchive zip, string name, long bytes, Func<long, byte> content)
    {
        using Stream s = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
        var block = new byte[1 << 16];
        for (long written = 0; written < bytes; written += block.Length)
        {
            for (int i = 0; i < block.Length; i++)
            {
                block[i] = content(written + i);
            }
            s.Write(block, 0, (int)Math.Min(block.Length, bytes - written));
        }
    }

    [TestMethod]
    public void A_zip_bomb_entry_is_refused_before_anything_is_unpacked()
    {
        string path = TempZip(zip => Entry(zip, "TransformerChain/Model.key", 256L << 20, _ => 0));
        try
        {
            var e = Assert.ThrowsExactly<InvalidDataException>(() => SavedModelArchive.Check(path));
            StringAssert.Contains(e.Message, "TransformerChain/Model.key");
            StringAssert.Contains(e.Message, "268,435,456");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void An_entry_over_the_size_limit_is_refused_and_a_real_model_passes()
    {
        var rng = new Random(1);
        string big = TempZip(zip => Entry(zip, "Model/data", 3 << 20, _ => (byte)rng.Next(256)));
        string notZip = Path.GetTempFileName();
        var ml = new MLContext(seed: 0);
        IDataView data = Test(ml);
        string saved = Path.Combine(Path.GetTempPath(), $"unit-saved-{Guid.NewGuid():N}.zip");
        ml.Model.Save(ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Thresholds = ThresholdSet.Zero(Model()) }, ModelPath).Fit(data), data.Schema, saved);
        try
        {
            StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => SavedModelArchive.Check(big, maxEntryBytes: 1 << 20)).Message, "Model/data");
            Assert.ThrowsExactly<InvalidDataException>(() => SavedModelArchive.Check(notZip));
            SavedModelArchive.Check(saved);
        }
        finally
        {
            File.Delete(big);
            File.Delete(notZip);
            File.Delete(saved);
        }
    }

    [TestMethod]
    public void Load_refuses_a_zip_bomb_and_a_non_zip_and_loads_a_real_model()
    {
        var ml = new MLContext(seed: 0);
        IDataView data = Test(ml);
        string bomb = TempZip(zip => Entry(zip, "TransformerChain/Model.key", 256L << 20, _ => 0));
        string notZip = Path.GetTempFileName();
        File.WriteAllText(notZip, "not a zip");
        string saved = Path.Combine(Path.GetTempPath(), $"unit-saved-{Guid.NewGuid():N}.zip");
        ml.Model.Save(ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Thresholds = ThresholdSet.Zero(Model()) }, ModelPath).Fit(data), data.Schema, saved);
        try
        {
            StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => SavedModelArchive.Load(ml, bomb, out _)).Message, "TransformerChain/Model.key");
            StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => SavedModelArchive.Load(ml, notZip, out _)).Message, notZip);
            Assert.ThrowsExactly<FileNotFoundException>(() => SavedModelArchive.Load(ml, saved + ".missing", out _));

            ITransformer loaded = SavedModelArchive.Load(ml, saved, out DataViewSchema schema);
            Assert.IsNotNull(schema.GetColumnOrNull("Features"));
            Assert.IsNotNull(loaded.Transform(data).Schema.GetColumnOrNull("Score"));
        }
        finally
        {
            File.Delete(bomb);
            File.Delete(notZip);
            File.Delete(saved);
        }
    }
}
