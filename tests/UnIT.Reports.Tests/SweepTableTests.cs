using Spectre.Console;

namespace UnIT.Reports.Tests;

[TestClass]
public sealed class SweepTableTests
{
    [TestMethod]
    public void Build_OneRowPerPoint_WithSettingsAndFrontMarks()
    {
        SweepReport report = ReportData.Sweep();

        string text = Render(SweepTable.Build(report));

        Assert.Contains("UnIT bitmask (float32)", text);
        Assert.Contains("p=60", text);
        Assert.Contains("magnitude pruning (float32)", text);
        Assert.Contains("s=0.7", text);
        Assert.Contains("MC", text, "on both fronts");
        Assert.Contains("86.00", text, "accuracy in percent");
    }

    [TestMethod]
    public void Build_HasACompensatedColumn_OnlyWhenAPointCompensated()
    {
        SweepReport plain = ReportData.Sweep();
        var compensated = new SweepReport([.. plain.Points.Select(p => p.Coordinates.Percentile == 60 ? p with { MacsCompensated = 321 } : p)], plain.Title);

        string with = Render(SweepTable.Build(compensated));

        Assert.Contains("compensated %", with);
        Assert.Contains("32.1", with);
        Assert.DoesNotContain("compensated", Render(SweepTable.Build(plain)));
    }

    internal static string Render(Spectre.Console.Rendering.IRenderable renderable)
    {
        var writer = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 240;
        console.Write(renderable);
        return writer.ToString();
    }
}
