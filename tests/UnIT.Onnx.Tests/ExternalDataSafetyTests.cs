using System.Diagnostics;
using UnIT.ML.Graph;
using UnIT.Onnx.Protos;
using UnIT.Onnx.Tests.Helpers;

namespace UnIT.Onnx.Tests;

/// <summary>
/// A model file is untrusted: its external data may only come from regular files inside the model's
/// folder, after symbolic links are followed, and refusals must not hang or describe files outside.
/// The weight is 4 floats (16 bytes) so that a secret file of 16 bytes would load if it were let through.
/// </summary>
[TestClass]
public sealed class ExternalDataSafetyTests
{
    private static readonly float[] Weights = [1f, 2f, 3f, 4f];

    private static byte[] WeightBytes => Weights.SelectMany(BitConverter.GetBytes).ToArray();

    /// <summary>A model y = x * w whose w [4] is stored externally at <paramref name="location"/>.</summary>
    private static byte[] Model(string location, string? offset = null, string? length = null)
    {
        var w = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 4 }, DataLocation = TensorProto.Types.DataLocation.External };
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        if (offset is not null)
        {
            w.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset });
        }
        if (length is not null)
        {
            w.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length });
        }
        return new OnnxModelBuilder(13).Input("x", -1, 4).Initializer(w).Node("Mul", ["x", "w"], ["y"]).Output("y").ToBytes();
    }

    /// <summary>Writes the model into <paramref name="dir"/> and imports it from its path.</summary>
    private static ModelGraph ImportFrom(string dir, byte[] model)
    {
        string path = Path.Combine(dir, "model.onnx");
        File.WriteAllBytes(path, model);
        return OnnxImporter.Import(path);
    }

    /// <summary>Imports and expects a refusal that says nothing about the outside folder or its file.</summary>
    private static OnnxImportException Refused(string dir, byte[] model, string outside)
    {
        var ex = Assert.ThrowsExactly<OnnxImportException>(() => ImportFrom(dir, model));
        StringAssert.Contains(ex.Message, "Tensor 'w'");
        Assert.IsFalse(ex.Message.Contains(outside, StringComparison.Ordinal), ex.Message);
        Assert.IsFalse(ex.Message.Contains("bytes", StringComparison.Ordinal), ex.Message);
        return ex;
    }

    private static string MakeFifo(string path)
    {
        using Process mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.AreEqual(0, mkfifo.ExitCode, "mkfifo failed");
        return path;
    }

    private static float[] Weight(ModelGraph graph) => ((ElementwiseNode)graph.Nodes.Single()).Constant.Data;

    [TestMethod]
    public void SymlinkToAFileOutsideIsRefused()
    {
        using var model = new TempFolder();
        using var outside = new TempFolder();
        File.WriteAllBytes(Path.Combine(outside.Path, "secret.bin"), new byte[16]);
        File.CreateSymbolicLink(Path.Combine(model.Path, "w.bin"), Path.Combine(outside.Path, "secret.bin"));
        StringAssert.Contains(Refused(model.Path, Model("w.bin"), outside.Path).Message, "not inside the model's directory");
    }

    [TestMethod]
    public void SymlinkToAFolderOutsideIsRefused()
    {
        using var model = new TempFolder();
        using var outside = new TempFolder();
        File.WriteAllBytes(Path.Combine(outside.Path, "secret.bin"), new byte[16]);
        Directory.CreateSymbolicLink(Path.Combine(model.Path, "data"), outside.Path);
        StringAssert.Contains(Refused(model.Path, Model("data/secret.bin"), outside.Path).Message, "not inside the model's directory");
    }

    [TestMethod]
    public void SymlinkedFolderDeeperInThePathIsRefused()
    {
        using var model = new TempFolder();
        using var outside = new TempFolder();
        Directory.CreateDirectory(Path.Combine(outside.Path, "deep"));
        File.WriteAllBytes(Path.Combine(outside.Path, "deep", "secret.bin"), new byte[16]);
        Directory.CreateDirectory(Path.Combine(model.Path, "weights"));
        // A relative link that climbs out of the model folder.
        string relative = Path.GetRelativePath(Path.Combine(model.Path, "weights"), outside.Path);
        Directory.CreateSymbolicLink(Path.Combine(model.Path, "weights", "shared"), relative);
        Refused(model.Path, Model("weights/shared/deep/secret.bin"), outside.Path);
    }

    [TestMethod]
    public void SizeOfAShortFileOutsideIsNotRevealed()
    {
        using var model = new TempFolder();
        using var outside = new TempFolder();
        File.WriteAllBytes(Path.Combine(outside.Path, "short.bin"), new byte[3]);
        File.CreateSymbolicLink(Path.Combine(model.Path, "w.bin"), Path.Combine(outside.Path, "short.bin"));
        Refused(model.Path, Model("w.bin"), outside.Path);
    }

    [TestMethod]
    public void SymlinksThatStayInsideTheModelFolderAreFollowed()
    {
        using var model = new TempFolder();
        Directory.CreateDirectory(Path.Combine(model.Path, "real"));
        File.WriteAllBytes(Path.Combine(model.Path, "real", "w.bin"), WeightBytes);
        Directory.CreateSymbolicLink(Path.Combine(model.Path, "alias"), "real");
        File.CreateSymbolicLink(Path.Combine(model.Path, "absolute.bin"), Path.Combine(model.Path, "real", "w.bin"));
        CollectionAssert.AreEqual(Weights, Weight(ImportFrom(model.Path, Model("alias/w.bin"))));
        CollectionAssert.AreEqual(Weights, Weight(ImportFrom(model.Path, Model("absolute.bin"))));
        CollectionAssert.AreEqual(Weights, Weight(ImportFrom(model.Path, Model("real/../alias/./w.bin"))));
    }

    [TestMethod]
    public void ModelFolderReachedThroughASymlinkStillReadsItsOwnFiles()
    {
        using var temp = new TempFolder();
        string real = Directory.CreateDirectory(Path.Combine(temp.Path, "real")).FullName;
        File.WriteAllBytes(Path.Combine(real, "w.bin"), WeightBytes);
        string linked = Path.Combine(temp.Path, "linked");
        Directory.CreateSymbolicLink(linked, real);
        CollectionAssert.AreEqual(Weights, Weight(ImportFrom(linked, Model("w.bin"))));
    }

    [TestMethod]
    public void FifoIsRefusedWithoutBlocking()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("FIFOs are made with mkfifo, which needs a Unix system.");
        }
        using var model = new TempFolder();
        MakeFifo(Path.Combine(model.Path, "w.bin"));
        // Opening a FIFO without a writer blocks forever; a regression must fail, not hang the run.
        Task<ModelGraph> import = Task.Run(() => ImportFrom(model.Path, Model("w.bin")));
        Assert.AreEqual(0, Task.WaitAny([import], TimeSpan.FromSeconds(10)), "the import blocked on the FIFO");
        var ex = Assert.IsInstanceOfType<OnnxImportException>(import.Exception?.InnerException);
        StringAssert.Contains(ex.Message, "not a regular file");
    }

    [TestMethod]
    public void FifoAsTheModelFileIsRefusedWithoutBlocking()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("FIFOs are made with mkfifo, which needs a Unix system.");
        }
        using var folder = new TempFolder();
        string fifo = MakeFifo(Path.Combine(folder.Path, "model.onnx"));
        Task<ModelGraph> import = Task.Run(() => OnnxImporter.Import(fifo));
        Assert.AreEqual(0, Task.WaitAny([import], TimeSpan.FromSeconds(10)), "the import blocked on the FIFO");
        var ex = Assert.IsInstanceOfType<OnnxImportException>(import.Exception?.InnerException);
        StringAssert.Contains(ex.Message, "not a regular file");
    }

    [TestMethod]
    public void DirectoryIsRefused()
    {
        using var model = new TempFolder();
        Directory.CreateDirectory(Path.Combine(model.Path, "w.bin"));
        var ex = Assert.ThrowsExactly<OnnxImportException>(() => ImportFrom(model.Path, Model("w.bin")));
        StringAssert.Contains(ex.Message, "is a directory");
    }

    [TestMethod]
    public void DotDotEscapeIsRefusedEvenThroughASubfolder()
    {
        using var model = new TempFolder();
        using var outside = new TempFolder();
        Directory.CreateDirectory(Path.Combine(model.Path, "sub"));
        File.WriteAllBytes(Path.Combine(outside.Path, "secret.bin"), new byte[16]);
        string escape = $"sub/../../{Path.GetFileName(outside.Path)}/secret.bin";
        StringAssert.Contains(Refused(model.Path, Model(escape), outside.Path).Message, "not inside the model's directory");
    }

    [TestMethod]
    public void AbsoluteLocationIsRefused()
    {
        using var model = new TempFolder();
        using var outside = new TempFolder();
        string secret = Path.Combine(outside.Path, "secret.bin");
        File.WriteAllBytes(secret, new byte[16]);
        var ex = Assert.ThrowsExactly<OnnxImportException>(() => ImportFrom(model.Path, Model(secret)));
        StringAssert.Contains(ex.Message, "must be relative paths");
    }

    [TestMethod]
    [DataRow("-1", null, "invalid external_data offset")]
    [DataRow("99999999999999999999", null, "invalid external_data offset")]
    [DataRow("0", "-16", "invalid external_data length")]
    [DataRow("8", "9223372036854775807", "too few")]
    [DataRow("9223372036854775807", "16", "too few")]
    [DataRow("17", null, "too few")]
    public void OffsetsAndLengthsOutsideTheFileAreRefused(string offset, string? length, string expected)
    {
        using var model = new TempFolder();
        File.WriteAllBytes(Path.Combine(model.Path, "w.bin"), WeightBytes);
        var ex = Assert.ThrowsExactly<OnnxImportException>(() => ImportFrom(model.Path, Model("w.bin", offset, length)));
        StringAssert.Contains(ex.Message, expected);
        StringAssert.Contains(ex.Message, "'w'");
    }

    [TestMethod]
    public void ExternalDataInAModelReadFromAStreamWithoutAFolderIsRefused()
    {
        using var stream = new MemoryStream(Model("w.bin"));
        var ex = Assert.ThrowsExactly<OnnxImportException>(() => OnnxImporter.Import(stream));
        StringAssert.Contains(ex.Message, "no base directory");
    }
}
