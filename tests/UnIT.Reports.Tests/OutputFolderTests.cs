namespace UnIT.Reports.Tests;

[TestClass]
public sealed class OutputFolderTests
{
    [TestMethod]
    public void Prepare_MissingFolder_CreatesIt()
    {
        string dir = Path.Combine(ReportData.TempFolder(), "a", "b");

        OutputFolder folder = OutputFolder.Prepare(dir, force: false, ["x.csv"]);

        Assert.IsTrue(Directory.Exists(dir));
        Assert.AreEqual(Path.Combine(Path.GetFullPath(dir), "x.csv"), folder.PathOf("x.csv"));
    }

    [TestMethod]
    public void Prepare_ExistingFileWithoutForce_ThrowsNamingIt_AndLeavesItAlone()
    {
        string dir = ReportData.TempFolder();
        string existing = Path.Combine(dir, "sweep.json");
        File.WriteAllText(existing, "keep me");

        var e = Assert.ThrowsExactly<OutputExistsException>(() => OutputFolder.Prepare(dir, force: false, ["sweep.csv", "sweep.json"]));

        Assert.AreEqual(existing, e.FilePath);
        Assert.Contains(existing, e.Message);
        Assert.Contains("--force", e.Message);
        Assert.IsInstanceOfType<IOException>(e);
        Assert.AreEqual("keep me", File.ReadAllText(existing));
        Assert.IsFalse(File.Exists(Path.Combine(dir, "sweep.csv")));
    }

    [TestMethod]
    public void Prepare_ExistingFileWithForce_MayBeReplaced()
    {
        string dir = ReportData.TempFolder();
        File.WriteAllText(Path.Combine(dir, "sweep.csv"), "old");
        SweepReport report = ReportData.Sweep();

        OutputFolder folder = OutputFolder.Prepare(dir, force: true, ["sweep.csv"]);
        SweepCsvWriter.Save(report, folder.PathOf("sweep.csv"));

        Assert.StartsWith("kind,", File.ReadAllText(folder.PathOf("sweep.csv")));
    }

    [TestMethod]
    public void Prepare_OtherFilesInTheFolder_AreFine()
    {
        string dir = ReportData.TempFolder();
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "unrelated");

        OutputFolder.Prepare(dir, force: false, ["sweep.csv"]);
    }

    [TestMethod]
    public void Remove_WithForce_DeletesAnEarlierFileOfAClaimedName_AndOnlyThatOne()
    {
        string dir = ReportData.TempFolder();
        File.WriteAllText(Path.Combine(dir, "t-1.json"), "an earlier run's");
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "unrelated");
        using OutputFolder folder = OutputFolder.Prepare(dir, force: true, ["t-1.json", "t-2.json"]);

        folder.Remove("t-1.json");
        folder.Remove("t-2.json");

        Assert.IsFalse(File.Exists(Path.Combine(dir, "t-1.json")));
        Assert.IsTrue(File.Exists(Path.Combine(dir, "notes.txt")));
        Assert.ThrowsExactly<InvalidOperationException>(() => folder.Remove("notes.txt"));
    }

    [TestMethod]
    public void PathOf_UnclaimedName_Throws()
    {
        OutputFolder folder = OutputFolder.Prepare(ReportData.TempFolder(), force: false, ["a.csv"]);

        Assert.ThrowsExactly<InvalidOperationException>(() => folder.PathOf("b.csv"));
    }

    [TestMethod]
    public void Prepare_NameWithFolder_IsRejected()
    {
        Assert.ThrowsExactly<ArgumentException>(() => OutputFolder.Prepare(ReportData.TempFolder(), force: false, ["sub/a.csv"]));
    }

    [TestMethod]
    public void Prepare_FolderIsAFile_Throws()
    {
        string file = Path.Combine(ReportData.TempFolder(), "out");
        File.WriteAllText(file, "");

        Assert.ThrowsExactly<IOException>(() => OutputFolder.Prepare(file, force: true, ["a.csv"]));
    }

    [TestMethod]
    public void Prepare_FolderInUse_IsRefusedUntilTheFirstIsDisposed_ThenTheLockFileIsGone()
    {
        string dir = ReportData.TempFolder();
        OutputFolder first = OutputFolder.Prepare(dir, force: false, ["sweep.csv"]);

        var e = Assert.ThrowsExactly<OutputFolderBusyException>(() => OutputFolder.Prepare(dir, force: true, ["sweep.json"]));
        first.Dispose();
        using (OutputFolder.Prepare(dir, force: false, ["sweep.csv"]))
        {
        }

        Assert.Contains(dir, e.Message);
        Assert.Contains("in use", e.Message);
        Assert.IsEmpty(Directory.GetFileSystemEntries(dir), "the lock file is removed when released");
    }

    [TestMethod]
    public void Dispose_FolderItCreatedWithNothingWritten_IsRemoved_WhileAWrittenOrGivenFolderStays()
    {
        string parent = ReportData.TempFolder();
        string failed = Path.Combine(parent, "failed"), written = Path.Combine(parent, "written"), given = Path.Combine(parent, "given");
        Directory.CreateDirectory(given);

        OutputFolder.Prepare(failed, force: false, ["x.csv"]).Dispose();
        using (OutputFolder folder = OutputFolder.Prepare(written, force: false, ["x.csv"]))
        {
            folder.WriteText("x.csv", w => w.Write("1"));
        }
        OutputFolder.Prepare(given, force: false, ["x.csv"]).Dispose();

        Assert.IsFalse(Directory.Exists(failed));
        Assert.IsTrue(File.Exists(Path.Combine(written, "x.csv")));
        Assert.IsTrue(Directory.Exists(given));
    }

    [TestMethod]
    public void WriteText_FileCreatedAfterPrepare_IsNotOverwrittenWithoutForce()
    {
        string dir = ReportData.TempFolder();
        using OutputFolder folder = OutputFolder.Prepare(dir, force: false, ["sweep.csv"]);
        File.WriteAllText(Path.Combine(dir, "sweep.csv"), "mine");

        Assert.ThrowsExactly<OutputExistsException>(() => folder.WriteText("sweep.csv", w => SweepCsvWriter.Write(ReportData.Sweep(), w)));

        Assert.AreEqual("mine", File.ReadAllText(Path.Combine(dir, "sweep.csv")));
        CollectionAssert.AreEquivalent(new[] { "sweep.csv", OutputFolder.LockFileName }, Directory.GetFiles(dir).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    public void WriteText_FileCreatedAfterPrepare_IsReplacedWithForce()
    {
        string dir = ReportData.TempFolder();
        using OutputFolder folder = OutputFolder.Prepare(dir, force: true, ["sweep.csv"]);
        File.WriteAllText(Path.Combine(dir, "sweep.csv"), "mine");

        folder.WriteText("sweep.csv", w => SweepCsvWriter.Write(ReportData.Sweep(), w));

        Assert.StartsWith("kind,", File.ReadAllText(Path.Combine(dir, "sweep.csv")));
    }

    [TestMethod]
    public void Prepare_LockFileName_IsRejected()
    {
        Assert.ThrowsExactly<ArgumentException>(() => OutputFolder.Prepare(ReportData.TempFolder(), force: false, [OutputFolder.LockFileName]));
    }

    [TestMethod]
    public void Prepare_RemovesTemporariesAKilledRunLeft_OfItsOwnFilesOnly()
    {
        string dir = ReportData.TempFolder();
        string stale = Path.Combine(dir, ".sweep.csv.0123abcd" + AtomicFile.TemporarySuffix);
        string other = Path.Combine(dir, ".notes.txt.0123abcd" + AtomicFile.TemporarySuffix);
        File.WriteAllText(stale, "kind,ser");
        File.WriteAllText(other, "keep");

        using (OutputFolder.Prepare(dir, force: false, ["sweep.csv"]))
        {
        }

        Assert.IsFalse(File.Exists(stale));
        Assert.IsTrue(File.Exists(other));
    }
}
