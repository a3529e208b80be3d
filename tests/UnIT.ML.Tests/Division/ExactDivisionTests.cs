namespace UnIT.ML.Division.Tests;

[TestClass]
public sealed class ExactDivisionTests
{
    [TestMethod]
    public void Float_reading_is_the_true_quotient()
    {
        var approx = new ExactDivision();
        var ops = default(DivisionOps);

        float t = approx.Threshold(1f, 0.3f, ref ops);

        Assert.AreEqual(1f / 0.3f, t);
        Assert.AreEqual(1, ops.Computations);
        Assert.AreEqual(1, ops.Divisions);
        Assert.AreEqual(0, ops.Shifts + ops.Comparisons + ops.MaskOps + ops.TableLookups);
    }

    [TestMethod]
    public void Integer_reading_truncates()
    {
        var approx = new ExactDivision();
        var ops = default(DivisionOps);

        int t = approx.Threshold(100, 7, ref ops);

        Assert.AreEqual(14, t);
        Assert.AreEqual(1, ops.Divisions);
    }

    [TestMethod]
    public void Tallies_accumulate_over_calls()
    {
        var approx = new ExactDivision();
        var ops = default(DivisionOps);

        approx.Threshold(1f, 2f, ref ops);
        approx.Threshold(9, 3, ref ops);

        Assert.AreEqual(2, ops.Computations);
        Assert.AreEqual(2, ops.Divisions);
        Assert.AreEqual("exact", approx.Name);
    }
}
