using UnIT.ML.Division;

namespace UnIT.ML.Targets.Tests;

[TestClass]
public sealed class TargetProfileTests
{
    [TestMethod]
    [DataRow("float32", NumericFormat.Float32, "exact")]
    [DataRow("max78000", NumericFormat.Float32, "bitmask")]
    [DataRow("msp430", NumericFormat.FixedPoint16, "bitshift")]
    public void Built_in_profiles_have_their_numerics_and_default_division(string name, NumericFormat numerics, string division)
    {
        TargetProfile profile = TargetProfile.FromName(name);

        Assert.AreEqual(name, profile.Name);
        Assert.AreEqual(numerics, profile.Numerics);
        Assert.AreEqual(division, profile.DefaultDivision.Name);
        Assert.IsFalse(string.IsNullOrWhiteSpace(profile.Description));
    }

    [TestMethod]
    public void Profiles_use_their_cost_tables()
    {
        Assert.AreSame(CostTable.Float32Host, TargetProfile.Float32.Costs);
        Assert.AreSame(CostTable.Max78000, TargetProfile.Max78000.Costs);
        Assert.AreSame(CostTable.Msp430, TargetProfile.Msp430.Costs);
    }

    [TestMethod]
    public void FromName_is_case_insensitive_and_returns_the_shared_instance()
    {
        Assert.AreSame(TargetProfile.Msp430, TargetProfile.FromName(" MSP430 "));
    }

    [TestMethod]
    public void FromName_error_lists_the_valid_names()
    {
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => TargetProfile.FromName("esp32"));

        Assert.Contains("esp32", e.Message);
        Assert.Contains("float32, max78000, msp430", e.Message);
    }

    [TestMethod]
    public void FromName_rejects_null()
    {
        Assert.ThrowsExactly<ArgumentNullException>(() => TargetProfile.FromName(null!));
    }

    [TestMethod]
    public void WithCosts_returns_a_copy_with_the_new_table()
    {
        CostTable slowDivide = CostTable.Msp430 with { Division = 400 };

        TargetProfile changed = TargetProfile.Msp430.WithCosts(slowDivide);

        Assert.AreEqual(400, changed.Costs.Division);
        Assert.AreEqual("msp430", changed.Name);
        Assert.AreSame(TargetProfile.Msp430.DefaultDivision, changed.DefaultDivision);
        Assert.AreEqual(77, TargetProfile.Msp430.Costs.Division);
    }

    [TestMethod]
    public void WithCosts_rejects_an_invalid_table()
    {
        Assert.ThrowsExactly<ArgumentException>(() => TargetProfile.Msp430.WithCosts(CostTable.Msp430 with { Multiply = double.NaN }));
    }

    [TestMethod]
    public void WithDivision_selects_another_approximator()
    {
        TargetProfile tree = TargetProfile.Msp430.WithDivision(new BinaryTreeDivision());

        Assert.AreEqual("binarytree", tree.DefaultDivision.Name);
        Assert.AreEqual("msp430 (FixedPoint16, binarytree)", tree.ToString());
    }
}
