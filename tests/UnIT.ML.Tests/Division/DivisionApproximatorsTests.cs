namespace UnIT.ML.Division.Tests;

[TestClass]
public sealed class DivisionApproximatorsTests
{
    [TestMethod]
    [DataRow("exact", typeof(ExactDivision))]
    [DataRow("BitShift", typeof(BitShiftDivision))]
    [DataRow(" binarytree ", typeof(BinaryTreeDivision))]
    [DataRow("BITMASK", typeof(BitMaskDivision))]
    public void Create_parses_names_case_insensitively(string name, Type expected)
    {
        IDivisionApproximator approx = DivisionApproximators.Create(name);

        Assert.IsInstanceOfType(approx, expected);
        Assert.AreEqual(name.Trim().ToLowerInvariant(), approx.Name);
    }

    [TestMethod]
    public void Unknown_name_lists_the_valid_ones()
    {
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => DivisionApproximators.Create("newton"));

        Assert.Contains("newton", e.Message);
        Assert.Contains("exact, bitshift, binarytree, bitmask", e.Message);
    }

    [TestMethod]
    public void Every_listed_name_creates_an_approximator_of_that_name()
    {
        foreach (string name in DivisionApproximators.Names)
        {
            Assert.AreEqual(name, DivisionApproximators.Create(name).Name);
        }
    }
}
