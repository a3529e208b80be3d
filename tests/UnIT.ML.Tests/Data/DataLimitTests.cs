using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipes;
using UnIT.ML.Data;
using UnIT.ML.Graph;

namespace UnIT.ML.Tests.Data;

/// <summary>
/// Hostile data files must be refused from their headers or first bytes, fast and with bounded memory,
/// with a message naming the file, the line or sample, and the problem.
/// </summary>
[TestClass]
public sealed class DataLimitTests
{
    /// <summary>A gzip IDX image file whose header claims <paramref name="count"/> images of rows x cols, followed by only 10 bytes.</summary>
    private static string ClaimingImages(int count, int rows, int cols)
    {
        var bytes = new byte[16 + 10];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxReader.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        return DataFiles.TempFile("images.gz", DataFiles.Gzip(bytes));
    }

    /// <summary>An IDX label file with the given header count and labels.</summary>
    private static string Labels(int count, params byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxReader.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        labels.CopyTo(bytes.AsSpan(8));
        return DataFiles.TempFile("labels.idx", bytes);
    }

    private static DatasetException RefusedFast(Action read)
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.ThrowsExactly<DatasetException>(read);
        Assert.IsLessThan(2000L, clock.ElapsedMilliseconds, $"refusing took {clock.ElapsedMilliseconds} ms: {e.Message}");
        return e;
    }

    [TestMethod]
    public void GzipIdxOfOneHugeImageIsRefusedFromItsHeader()
    {
        string path = ClaimingImages(1, 30000, 30000);

        var e = RefusedFast(() => IdxReader.ReadImages(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("30000x30000", e.Message);
        Assert.Contains("more than", e.Message);
    }

    [TestMethod]
    public void IdxImagesOfAnotherSizeThanTheModelInputAreRefusedBeforeReading()
    {
        string path = ClaimingImages(60000, 100, 100);

        var e = RefusedFast(() => DatasetLoader.Load(path, null, null, null, new Shape(-1, 1, 28, 28)));

        Assert.Contains(path, e.Message);
        Assert.Contains("100x100 = 10000 pixels", e.Message);
        Assert.Contains("the model input [?,1,28,28] needs 784 values per sample", e.Message);
    }

    [TestMethod]
    public void IdxLabelHeaderClaimingTwoBillionLabelsIsRefused()
    {
        string path = Labels(int.MaxValue, 1, 2, 3);

        var e = RefusedFast(() => IdxReader.ReadLabels(path));

        Assert.Contains(path, e.Message);
        Assert.Contains($"{int.MaxValue} labels", e.Message);
    }

    [TestMethod]
    public void IdxLabelBeyondTheModelsClassesIsRefusedNamingItsIndex()
    {
        string path = Labels(3, 0, 3, 12);

        Assert.AreEqual(3, IdxReader.ReadLabels(path, classCount: 13)[1]);
        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetLoader.LoadLabels(path, classCount: 10));

        Assert.Contains(path, e.Message);
        Assert.Contains("label 2 is 12", e.Message);
        Assert.Contains("10 classes", e.Message);
    }

    [TestMethod]
    public void CsvLabelOfFiveMillionIsRefusedNamingTheLine()
    {
        string path = DataFiles.TempFile("labels.csv", "label\n3\n5000000\n1\n");

        var e = RefusedFast(() => CsvReader.ReadLabels(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("5000000", e.Message);
    }

    [TestMethod]
    public void CsvLabelBeyondTheModelsClassesIsRefused()
    {
        string path = DataFiles.TempFile("labels.csv", "9\n10\n");

        CollectionAssert.AreEqual(new[] { 9, 10 }, CsvReader.ReadLabels(path));
        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetLoader.LoadLabels(path, classCount: 10));

        Assert.Contains("line 2", e.Message);
        Assert.Contains("label 10 is not a class: the model has 10 classes", e.Message);
    }

    [TestMethod]
    public void CsvWithOneHugeLineIsRefusedAfterTheLineBound()
    {
        // One line of digits longer than any row may be, streamed rather than held in memory.
        using var reader = new RepeatingReader('1', CsvReader.MaxLineLength + 1000L);

        var e = RefusedFast(() => CsvReader.Read(reader, "huge.csv"));

        Assert.Contains("'huge.csv' line 1 is longer than", e.Message);
        Assert.IsLessThan(CsvReader.MaxLineLength + (1L << 17), reader.Served, "the reader kept reading past the bound");
    }

    [TestMethod]
    public void CsvLineMuchLongerThanTheModelInputNeedsIsRefusedEarly()
    {
        using var reader = new RepeatingReader('1', 1L << 30);

        var e = RefusedFast(() => CsvReader.Read(reader, "rows.csv", modelInput: new Shape(-1, 784)));

        Assert.Contains("'rows.csv' line 1 is longer than", e.Message);
        Assert.IsLessThan(1L << 20, reader.Served);
    }

    [TestMethod]
    public void CsvRowsOfAnotherWidthThanTheModelInputAreRefusedAtTheFirstRow()
    {
        var e = Assert.ThrowsExactly<DatasetException>(() => CsvReader.Read(new StringReader("a,b,c\n1,2,3\n"), "rows.csv", modelInput: new Shape(-1, 1, 28, 28)));

        Assert.Contains("'rows.csv' line 1 has 3 values", e.Message);
        Assert.Contains("the model input [?,1,28,28] needs 784 values per sample", e.Message);
    }

    [TestMethod]
    public void LineEndingsOfEveryKindStillSplitRows()
    {
        SampleSet set = CsvReader.Read(new StringReader("1,2\r\n3,4\r5,6\n\n7,8"), "rows.csv");

        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f }, set.Data.ToArray());
    }

    [TestMethod]
    public void FifoAsADataFileIsRefusedWithoutBlocking()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("FIFOs are made with mkfifo, which needs a Unix system.");
        }
        string fifo = Path.Combine(DataFiles.TempDirectory(), "images.idx");
        using (Process mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.AreEqual(0, mkfifo.ExitCode, "mkfifo failed");
        }
        // Opening a FIFO without a writer blocks forever; a regression must fail, not hang the run.
        Task<SampleSet> load = Task.Run(() => DatasetLoader.Load(fifo));
        Assert.AreEqual(0, Task.WaitAny([load], TimeSpan.FromSeconds(10)), "loading blocked on the FIFO");
        var e = Assert.IsInstanceOfType<DatasetException>(load.Exception?.InnerException);
        Assert.Contains(fifo, e.Message);
        Assert.Contains("not a regular file", e.Message);
    }

    [TestMethod]
    public void LinkToAPipeIsRefusedAsNotARegularFile()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("A pipe's /proc/self/fd link, as a shell's process substitution gives, is Linux's.");
        }
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out, HandleInheritability.None);
        pipe.Write("1,2\n3,4\n"u8);
        // The link's own size is not 0, so only opening it shows it is a pipe; sniffing would consume what parsing needs.
        string link = $"/proc/self/fd/{pipe.ClientSafePipeHandle.DangerousGetHandle()}";

        // The write end stays open, so reading the pipe would wait for more: a regression must fail, not hang the run.
        Task<SampleSet> load = Task.Run(() => DatasetLoader.Load(link));
        Assert.AreEqual(0, Task.WaitAny([load], TimeSpan.FromSeconds(10)), "loading read from the pipe");
        var e = Assert.IsInstanceOfType<DatasetException>(load.Exception?.InnerException);

        Assert.Contains(link, e.Message);
        Assert.Contains("not a regular file", e.Message);
    }

    [TestMethod]
    public void NonSeekableStreamIsReadOnlyAsFarAsTheSelection()
    {
        // An IDX header for a million 28x28 images, then (lazily made) zero pixels.
        var header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, IdxReader.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 1_000_000);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 28);
        using var stream = new ForwardOnlyStream(header, 784L * 1_000_000);

        SampleSet set = IdxReader.ReadImages(stream, "pipe", limit: 2);

        Assert.AreEqual(2, set.Count);
        Assert.IsLessThan(1L << 20, stream.Served, "the whole stream was buffered");
    }

    /// <summary>Serves <paramref name="length"/> copies of one character without holding them, counting what was read.</summary>
    private sealed class RepeatingReader(char c, long length) : TextReader
    {
        public long Served { get; private set; }

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            int n = (int)Math.Min(buffer.Length, length - Served);
            buffer[..n].Fill(c);
            Served += n;
            return n;
        }

        public override int Peek() => Served < length ? c : -1;

        public override int Read()
        {
            if (Served >= length)
            {
                return -1;
            }
            Served++;
            return c;
        }
    }

    /// <summary>A non-seekable stream: <paramref name="head"/>, then <paramref name="zeros"/> zero bytes made on demand.</summary>
    private sealed class ForwardOnlyStream(byte[] head, long zeros) : Stream
    {
        public long Served { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, head.Length + zeros - Served);
            for (int i = 0; i < n; i++)
            {
                long at = Served + i;
                buffer[offset + i] = at < head.Length ? head[at] : (byte)0;
            }
            Served += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
