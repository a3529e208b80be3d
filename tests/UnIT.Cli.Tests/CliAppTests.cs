namespace UnIT.Cli.Tests;

[TestClass]
public sealed class CliAppTests
{
    [TestMethod]
    public void NoCommand_IsAUsageError()
    {
        var run = Cli.Run();

        Assert.AreEqual(ExitCodes.Usage, run.Code);
        Assert.StartsWith("error: ", run.Err);
    }

    [TestMethod]
    public void UnknownCommand_IsAUsageError()
    {
        var run = Cli.Run("prune-everything");

        Assert.AreEqual(ExitCodes.Usage, run.Code);
        Assert.Contains("prune-everything", run.Err);
    }

    [TestMethod]
    public void Help_ListsTheCommands()
    {
        var run = Cli.Run("--help");

        Assert.AreEqual(ExitCodes.Success, run.Code);
        Assert.Contains("inspect", run.Out);
        Assert.Contains("predict", run.Out);
    }

    [TestMethod]
    public void PredictHelp_ListsTheDataOptions()
    {
        var run = Cli.Run("predict", "--help");

        Assert.AreEqual(ExitCodes.Success, run.Code);
        foreach (string option in new[] { "--images", "--labels", "--range", "--limit", "--batch-size", "--json" })
        {
            Assert.Contains(option, run.Out);
        }
    }
}
