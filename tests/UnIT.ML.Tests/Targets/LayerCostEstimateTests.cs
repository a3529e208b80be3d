namespace UnIT.ML.Targets.Tests;

[TestClass]
public sealed class LayerCostEstimateTests
{
    [TestMethod]
    public void Cycles_are_the_sum_of_the_parts_and_speedup_their_ratio()
    {
        var layer = new LayerCostEstimate
        {
            Layer = "fc",
            Samples = 4,
            MacCycles = 10,
            ComparisonCycles = 20,
            DivisionCycles = 30,
            MemoryCycles = 40,
            DenseCycles = 300,
            EnergyMicrojoules = 0,
            DenseEnergyMicrojoules = 0,
        };

        Assert.AreEqual(100, layer.Cycles);
        Assert.AreEqual(3, layer.Speedup);
    }

    [TestMethod]
    public void Speedup_is_one_when_nothing_runs()
    {
        var layer = new LayerCostEstimate
        {
            Layer = "fc",
            Samples = 1,
            MacCycles = 0,
            ComparisonCycles = 0,
            DivisionCycles = 0,
            MemoryCycles = 0,
            DenseCycles = 0,
            EnergyMicrojoules = 0,
            DenseEnergyMicrojoules = 0,
        };

        Assert.AreEqual(1, layer.Speedup);
    }
}
