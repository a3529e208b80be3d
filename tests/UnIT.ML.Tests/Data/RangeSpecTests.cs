using UnIT.ML.Data;

namespace UnIT.ML.Tests.Data;

[TestClass]
public sealed class RangeSpecTests
{
    [TestMethod]
    public void Parse_StartAndEnd_GivesBothWithEndExclusive()
    {
        RangeSpec r = RangeSpec.Parse("100:200");

        Assert.AreEqual(new RangeSpec(100, 200), r);
        Assert.AreEqual((100, 100), r.Resolve(500, null, "f"));
        Assert.AreEqual("100:200", r.ToString());
    }

    [TestMethod]
    public void Parse_OpenEnd_RunsToTheEndOfTheFile()
    {
        RangeSpec r = RangeSpec.Parse("450:");

        Assert.IsNull(r.End);
        Assert.AreEqual((450, 50), r.Resolve(500, null, "f"));
        Assert.AreEqual("450:", r.ToString());
    }

    [TestMethod]
    [DataRow("abc")]
    [DataRow("10")]
    [DataRow("1:2:3")]
    [DataRow("-1:4")]
    [DataRow("5:3")]
    [DataRow("5:5")]
    [DataRow(":10")]
    [DataRow("1.5:3")]
    public void Parse_BadSyntax_NamesTheOptionAndTheText(string text)
    {
        var e = Assert.ThrowsExactly<FormatException>(() => RangeSpec.Parse(text, "--calibration-range"));

        Assert.Contains("--calibration-range", e.Message);
        Assert.Contains($"'{text}'", e.Message);
    }

    [TestMethod]
    public void Resolve_Limit_TakesTheFirstSamplesOfTheRange()
    {
        Assert.AreEqual((10, 5), new RangeSpec(10, 100).Resolve(500, 5, "f"));
        Assert.AreEqual((495, 5), new RangeSpec(495, null).Resolve(500, 10, "f"));
    }

    [TestMethod]
    [DataRow(500, null)]
    [DataRow(0, 501)]
    public void Resolve_BeyondTheFile_NamesTheFileAndTheSampleCount(int start, int? end)
    {
        var e = Assert.ThrowsExactly<DatasetException>(() => new RangeSpec(start, end).Resolve(500, null, "images.idx"));

        Assert.Contains("images.idx", e.Message);
        Assert.Contains("500 samples", e.Message);
    }

    [TestMethod]
    public void Resolve_NonPositiveLimit_Throws()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => RangeSpec.All.Resolve(10, 0, "f"));
    }
}
