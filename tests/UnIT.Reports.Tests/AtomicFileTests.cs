namespace UnIT.Reports.Tests;

[TestClass]
public sealed class AtomicFileTests
{
    private static string[] FilesIn(string dir) => Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [TestMethod]
    public void WriteText_WritesTheFile_AndLeavesNoTemporaryBehind()
    {
        string dir = ReportData.TempFolder();
        string path = Path.Combine(dir, "a.csv");

        AtomicFile.WriteText(path, overwrite: false, w => w.Write("x,y\n1,2\n"));

        Assert.AreEqual("x,y\n1,2\n", File.ReadAllText(path));
        CollectionAssert.AreEqual(new[] { "a.csv" }, FilesIn(dir));
        Assert.AreEqual((byte)'x', File.ReadAllBytes(path)[0], "UTF-8 without a byte order mark");
    }

    [TestMethod]
    public void A_write_that_fails_halfway_leaves_the_old_file_whole_and_no_temporary()
    {
        string dir = ReportData.TempFolder();
        string path = Path.Combine(dir, "sweep.json");
        File.WriteAllText(path, "{\"old\": true}");

        Assert.ThrowsExactly<IOException>(() => AtomicFile.WriteText(path, overwrite: true, w =>
        {
            w.Write("{\"new\": [1, 2,");
            w.Flush();
            throw new IOException("disk full");
        }));

        Assert.AreEqual("{\"old\": true}", File.ReadAllText(path));
        CollectionAssert.AreEqual(new[] { "sweep.json" }, FilesIn(dir));
    }

    [TestMethod]
    public void Without_overwrite_a_file_that_exists_at_the_rename_is_kept()
    {
        string dir = ReportData.TempFolder();
        string path = Path.Combine(dir, "sweep.csv");

        // The file appears while the content is being written, after any check made before.
        var e = Assert.ThrowsExactly<OutputExistsException>(() => AtomicFile.WriteText(path, overwrite: false, w =>
        {
            File.WriteAllText(path, "mine");
            w.Write("theirs");
        }));

        Assert.AreEqual(path, e.FilePath);
        Assert.AreEqual("mine", File.ReadAllText(path));
        CollectionAssert.AreEqual(new[] { "sweep.csv" }, FilesIn(dir));
    }

    [TestMethod]
    public void With_overwrite_the_file_is_replaced()
    {
        string dir = ReportData.TempFolder();
        string path = Path.Combine(dir, "t.json");
        File.WriteAllText(path, "old");

        AtomicFile.Write(path, overwrite: true, s => s.Write("new"u8));

        Assert.AreEqual("new", File.ReadAllText(path));
    }
}
