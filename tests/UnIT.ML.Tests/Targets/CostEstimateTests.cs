namespace UnIT.ML.Targets.Tests;

[TestClass]
public sealed class CostEstimateTests
{
    private static LayerCostEstimate Layer(double pruned, double dense) => new()
    {
        Layer = "l",
        Samples = 1,
        MacCycles = pruned,
        ComparisonCycles = 0,
        DivisionCycles = 0,
        MemoryCycles = 0,
        DenseCycles = dense,
        EnergyMicrojoules = pruned / 1000,
        DenseEnergyMicrojoules = dense / 1000,
    };

    [TestMethod]
    public void Totals_sum_the_layers()
    {
        var estimate = new CostEstimate { Target = "t", Costs = CostTable.Max78000, Samples = 1, Layers = [Layer(100, 400), Layer(300, 400)] };

        Assert.AreEqual(400, estimate.Cycles);
        Assert.AreEqual(800, estimate.DenseCycles);
        Assert.AreEqual(2, estimate.Speedup);
        Assert.AreEqual(0.4, estimate.EnergyMicrojoules, 1e-12);
        Assert.AreEqual(800 / 100e6, estimate.DenseSeconds, 1e-18);
    }

    [TestMethod]
    public void Speedup_of_a_free_pruned_run_is_infinite()
    {
        var estimate = new CostEstimate { Target = "t", Costs = CostTable.Max78000, Samples = 1, Layers = [Layer(0, 10)] };

        Assert.AreEqual(double.PositiveInfinity, estimate.Speedup);
    }

    [TestMethod]
    public void ToString_reads_as_one_line()
    {
        var estimate = new CostEstimate { Target = "msp430", Costs = CostTable.Msp430, Samples = 1, Layers = [Layer(1000, 3000)] };

        Assert.AreEqual("msp430: 1000 cycles, 1 µJ per inference (dense 3000 cycles, 3 µJ); speed-up 3x", estimate.ToString());
    }
}
