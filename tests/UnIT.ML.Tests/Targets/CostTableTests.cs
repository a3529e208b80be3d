namespace UnIT.ML.Targets.Tests;

[TestClass]
public sealed class CostTableTests
{
    [TestMethod]
    public void Msp430_defaults_are_the_papers_figures()
    {
        CostTable c = CostTable.Msp430;

        Assert.AreEqual(77, c.Multiply);
        Assert.AreEqual(6, c.Add);
        Assert.AreEqual(3, c.CompareBranch);
        Assert.AreEqual(77, c.Division);
        Assert.AreEqual(1, c.Shift);
        Assert.AreEqual(3, c.MemoryRead);
        Assert.AreEqual(16e6, c.ClockHz);
        Assert.AreEqual(0.354, c.EnergyPerCycleNanojoules, 1e-12);
        Assert.Contains("SLAA329", c.Sources);
    }

    [TestMethod]
    public void Max78000_defaults_are_cortex_m4f_timings()
    {
        CostTable c = CostTable.Max78000;

        Assert.AreEqual(1, c.Multiply);
        Assert.AreEqual(1, c.Add);
        Assert.AreEqual(14, c.Division);
        Assert.AreEqual(3, c.CompareBranch);
        Assert.AreEqual(2, c.MemoryRead);
        Assert.AreEqual(100e6, c.ClockHz);
        Assert.AreEqual(0.0242, c.EnergyPerCycleNanojoules, 1e-12);
        Assert.Contains("VDIV", c.Sources);
    }

    [TestMethod]
    public void Float32_host_reuses_the_cortex_m4f_numbers_and_says_so()
    {
        CostTable host = CostTable.Float32Host;

        Assert.AreEqual(CostTable.Max78000 with { Device = host.Device, Sources = host.Sources }, host);
        Assert.Contains("No real device", host.Sources);
    }

    [TestMethod]
    public void With_overrides_one_number_and_keeps_the_rest()
    {
        CostTable changed = CostTable.Msp430 with { Division = 150, SupplyVolts = 2.0 };

        Assert.AreEqual(150, changed.Division);
        Assert.AreEqual(77, changed.Multiply);
        Assert.AreEqual(0.236, changed.EnergyPerCycleNanojoules, 1e-12);
        Assert.AreEqual(77, CostTable.Msp430.Division);
    }

    [TestMethod]
    public void Validate_names_the_bad_field()
    {
        CostTable bad = CostTable.Msp430 with { Shift = -1 };

        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(bad.Validate);

        Assert.Contains("Shift", e.Message);
        Assert.Contains("-1", e.Message);
    }

    [TestMethod]
    public void Validate_rejects_a_zero_clock()
    {
        Assert.ThrowsExactly<ArgumentException>((CostTable.Max78000 with { ClockHz = 0 }).Validate);
    }

    [TestMethod]
    public void ToString_summarises_without_sources()
    {
        string text = CostTable.Msp430.ToString();

        Assert.AreEqual("MSP430FR5994: mul 77, add 6, cmp+br 3, div 77, shift 1, mask 1, lookup 3, read 3 cycles; 16 MHz; 0.354 nJ/cycle", text);
    }
}
