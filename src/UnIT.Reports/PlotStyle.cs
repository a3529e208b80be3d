using ScottPlot;

namespace UnIT.Reports;

/// <summary>The look every report plot shares, sized to read well at 1200x800 pixels.</summary>
internal static class PlotStyle
{
    public const float TitleSize = 22;
    public const float LabelSize = 19;
    public const float TickSize = 15;
    public const float LegendSize = 14;
    public const float AnnotationSize = 12;

    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>A new plot with a sans-serif font, the title, axis labels and font sizes set.</summary>
    public static Plot Create(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        plot.Title(title, TitleSize);
        plot.XLabel(xLabel, LabelSize);
        plot.YLabel(yLabel, LabelSize);
        plot.Axes.Bottom.TickLabelStyle.FontSize = TickSize;
        plot.Axes.Left.TickLabelStyle.FontSize = TickSize;
        plot.Legend.FontSize = LegendSize;
        return plot;
    }

    /// <summary>The <paramref name="index"/>-th series colour.</summary>
    public static Color SeriesColor(int index) => Palette.GetColor(index);

    /// <summary>Shows the legend right of the plot area, where it never covers data.</summary>
    public static void ShowLegend(Plot plot) => plot.ShowLegend(Edge.Right);

    /// <summary>Writes <paramref name="text"/> next to the data point (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public static void Annotate(Plot plot, string text, double x, double y, Color color)
    {
        var label = plot.Add.Text(text, x, y);
        label.LabelFontSize = AnnotationSize;
        label.LabelFontColor = color;
        label.OffsetX = 6;
        label.OffsetY = -6;
    }
}
