using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;
using UnIT.ML.MLNet;
using UnIT.Onnx.MLNet;
using static UnIT.ML.Tests.MLNet.FashionMnistViews;

namespace UnIT.ML.Tests.MLNet;

/// <summary>A damaged saved model must be refused, never scored differently.</summary>
[TestClass]
public sealed class StateIntegrityTests
{
    // State version 2 layout, as documented on UnitModelState: tag (8), version (4), SHA-256 (32), payload.
    private const int HashOffset = 12;
    private const int PayloadOffset = HashOffset + 32;

    private static MLContext s_ml = null!;
    private static IDataView s_test = null!;
    private static UnitPruningTransformer s_fitted = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void FitOnce(TestContext _)
    {
        s_ml = new MLContext(seed: 1);
        s_test = Test(s_ml, limit: 20);
        s_fitted = s_ml.Transforms.ApplyUnitPruning(new UnitPruningOptions { Percentile = 50 }, ModelPath).Fit(Calibration(s_ml, limit: 50));
    }

    [TestMethod]
    public void AFlippedBitAnywhereInTheStateIsRefusedAsDamaged()
    {
        // Arrange: every bit of the header, then one bit every 37 bytes through options, thresholds and graph.
        byte[] state = UnitModelState.Write(s_fitted.Scorer);
        IEnumerable<(int Byte, int Bit)> flips = Enumerable.Range(0, PayloadOffset * 8).Select(b => (b / 8, b % 8))
            .Concat(Enumerable.Range(0, state.Length).Where(i => i >= PayloadOffset && i % 37 == 0).Select(i => (i, i % 8)))
            .Append((state.Length - 1, 7));
        int tried = 0;

        foreach ((int at, int bit) in flips)
        {
            byte[] damaged = (byte[])state.Clone();
            damaged[at] ^= (byte)(1 << bit);

            // Act
            var e = Assert.ThrowsExactly<FormatException>(() => UnitModelState.Read(damaged), $"byte {at} bit {bit}");

            // Assert: a flip in the version field to a version this build does not read names the version; every
            // other flip (one to another readable version included) says the model is damaged.
            int version = BitConverter.ToInt32(damaged, 8);
            bool unreadable = version is < UnitModelState.OldestFormatVersion or > UnitModelState.CurrentFormatVersion;
            string expected = at is >= 8 and < HashOffset && unreadable ? "state format version" : "The saved model is damaged";
            StringAssert.Contains(e.Message, expected, $"byte {at} bit {bit}");
            tried++;
        }
        TestContext.WriteLine($"{tried} flips over {state.Length} bytes refused");
        Assert.IsGreaterThan(500, tried);
    }

    [TestMethod]
    public void TruncatedStateIsRefusedAsDamaged()
    {
        byte[] state = UnitModelState.Write(s_fitted.Scorer);

        foreach (int length in new[] { 0, 5, 11, HashOffset + 3, PayloadOffset, PayloadOffset + 10, state.Length / 2, state.Length - 1 })
        {
            var e = Assert.ThrowsExactly<FormatException>(() => UnitModelState.Read(state[..length]), $"length {length}");
            StringAssert.Contains(e.Message, "The saved model is damaged", $"length {length}");
        }
    }

    [TestMethod]
    public void GarbageFieldsUnderAValidHashAreRefusedAsDamaged()
    {
        // Arrange: states whose hash is right but whose content is not (a crafted or buggy writer).
        byte[] state = UnitModelState.Write(s_fitted.Scorer);
        var cases = new Dictionary<string, byte[]>
        {
            ["percentile NaN"] = WriteWith(o => o.Percentile = double.NaN),
            ["unknown profile"] = WriteWith(o => o.Profile = "msp431"),
            ["negative FATReLU tau"] = WriteWith(o => o.FatReluTau = -1),
            ["bytes after the graph"] = Reseal([.. state, 1, 2, 3]),
            ["string length past the end"] = Reseal([.. state[..PayloadOffset], 0xFF, 0xFF, 0xFF, 0x7F, .. state[PayloadOffset..]]),
            ["thresholds not JSON"] = Reseal(ReplaceThresholdJson(state, "{ not json")),
        };

        foreach ((string name, byte[] bad) in cases)
        {
            // Act
            var e = Assert.ThrowsExactly<FormatException>(() => UnitModelState.Read(bad), name);

            // Assert
            TestContext.WriteLine($"{name}: {e.Message}");
            StringAssert.Contains(e.Message, "The saved model is damaged", name);
        }
    }

    [TestMethod]
    public void ASavedModelWithDamagedStateIsRefusedWhenLoadedAndWhenScored()
    {
        // Arrange: flips in the options, the threshold JSON and the graph's weights, saved and loaded through a zip.
        byte[] state = UnitModelState.Write(s_fitted.Scorer);
        int json = IndexOf(state, "\"layers\""u8);
        foreach (int at in new[] { PayloadOffset + 2, json + 30, state.Length - 200 })
        {
            byte[] damaged = (byte[])state.Clone();
            damaged[at] ^= 0x10;
            var chain = BuiltInCarrier.Build(s_ml.Transforms, s_fitted.Scorer, s_test, damaged);
            string path = Path.Combine(TestContext.TestRunResultsDirectory ?? Path.GetTempPath(), $"unit-damaged-{Guid.NewGuid():N}.zip");
            s_ml.Model.Save(new UnitPruningTransformer(s_fitted.Scorer, chain), s_test.Schema, path);

            // Act
            ITransformer loaded = new MLContext().Model.Load(path, out _);
            var fromView = Assert.ThrowsExactly<FormatException>(() => UnitPruningTransformer.FromLoadedModel(loaded), $"byte {at}");
            Exception fromScoring = Assert.Throws<Exception>(() => Column(loaded.Transform(s_test), "Score"), $"byte {at}");

            // Assert
            StringAssert.Contains(fromView.Message, "The saved model is damaged");
            Assert.AreEqual(fromView.Message, SaveLoadTests.RootFormatException(fromScoring).Message);
        }
    }

    [TestMethod]
    public void BitFlipsInTheZipEntryHoldingTheStateNeverGiveOtherScores()
    {
        // Arrange: flip bits of the stored (compressed) zip entry that holds the state, as a bad disk would;
        // ML.NET does not check the zip's CRCs.
        string path = Path.Combine(TestContext.TestRunResultsDirectory ?? Path.GetTempPath(), $"unit-{Guid.NewGuid():N}.zip");
        s_ml.Model.Save(s_fitted, s_test.Schema, path);
        byte[] zip = File.ReadAllBytes(path);
        (int start, int length) = StoredEntry(zip, "TransformerChain/Transform_001/DefaultMap.idv");
        float[][] expected = Column(s_fitted.Transform(s_test), "Score");
        var outcomes = new Dictionary<string, int>();

        for (int k = 0; k < 24; k++)
        {
            int at = start + (int)((long)length * (2 * k + 1) / 48);
            byte[] damaged = (byte[])zip.Clone();
            damaged[at] ^= (byte)(1 << (k % 8));
            File.WriteAllBytes(path, damaged);

            // Act
            string outcome;
            try
            {
                ITransformer loaded = new MLContext().Model.Load(path, out _);
                _ = UnitPruningTransformer.FromLoadedModel(loaded);
                float[][] scores = Column(loaded.Transform(s_test), "Score");
                outcome = MaxAbsDifference(expected, scores) == 0 ? "identical scores" : "OTHER SCORES";
            }
            catch (Exception e)
            {
                outcome = SaveLoadTests.RootFormatException(e) is FormatException f && f.Message.Contains("The saved model is damaged", StringComparison.Ordinal)
                    ? "refused by the UnIT integrity check"
                    : $"refused by ML.NET ({e.GetType().Name})";
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        // Assert
        TestContext.WriteLine(string.Join("; ", outcomes.Select(kv => $"{kv.Key}: {kv.Value}")));
        Assert.IsFalse(outcomes.ContainsKey("OTHER SCORES"));
        Assert.IsTrue(outcomes.ContainsKey("refused by the UnIT integrity check"), "Some flips reach the state; the hash must catch them.");
    }

    private static byte[] WriteWith(Action<UnitPruningOptions> change)
    {
        UnitPruningOptions options = s_fitted.Options;
        change(options);
        return UnitModelState.Write(new UnitScorer(s_fitted.Model, options));
    }

    /// <summary>Puts the right SHA-256 (of the tag, the version and the payload) into a state.</summary>
    private static byte[] Reseal(byte[] state)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(state, 0, HashOffset);
        sha.AppendData(state, PayloadOffset, state.Length - PayloadOffset);
        sha.GetHashAndReset().CopyTo(state, HashOffset);
        return state;
    }

    /// <summary>The state with its threshold JSON string (7-bit length prefix, then UTF-8) replaced.</summary>
    private static byte[] ReplaceThresholdJson(byte[] state, string json)
    {
        string old = s_fitted.Thresholds.ToJson();
        int at = IndexOf(state, Encoding.UTF8.GetBytes(old));
        int prefix = LengthPrefix(Encoding.UTF8.GetByteCount(old)).Length;
        return [.. state[..(at - prefix)], .. LengthPrefix(Encoding.UTF8.GetByteCount(json)), .. Encoding.UTF8.GetBytes(json), .. state[(at + Encoding.UTF8.GetByteCount(old))..]];
    }

    private static byte[] LengthPrefix(int length)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            w.Write7BitEncodedInt(length);
        }
        return ms.ToArray();
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle)
    {
        int at = haystack.AsSpan().IndexOf(needle);
        Assert.IsGreaterThanOrEqualTo(0, at, "marker not found");
        return at;
    }

    /// <summary>Start and length of an entry's stored data, from its local file header (APPNOTE 4.3.7).</summary>
    private static (int Start, int Length) StoredEntry(byte[] zip, string name)
    {
        int header = IndexOf(zip, Encoding.ASCII.GetBytes(name)) - 30;
        Assert.AreEqual(0x04034b50u, BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(header)), "local file header signature");
        int compressed = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(header + 18));
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(header + 26));
        int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(header + 28));
        return (header + 30 + nameLength + extraLength, compressed);
    }
}
