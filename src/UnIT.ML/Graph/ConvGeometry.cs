namespace UnIT.ML.Graph;

/// <summary>
/// The loop bounds of one convolution for one input shape. 1-D convolutions are described as
/// 2-D ones with a height of 1, so one kernel serves both. Output sizes are 0 where the window does
/// not fit; <see cref="ConvNode.Geometry"/> only hands out geometries where it does.
/// </summary>
public readonly record struct ConvGeometry(
    int InChannels, int OutChannels, int Groups,
    int InH, int InW, int KernelH, int KernelW,
    int StrideH, int StrideW, int PadTop, int PadLeft, int PadBottom, int PadRight,
    int DilationH, int DilationW, int SpatialRank)
{
    /// <summary>Output height.</summary>
    public int OutH => SlidingWindow.OutputLength("height", InH, PadTop, PadBottom, KernelH, StrideH, DilationH, false, out _);

    /// <summary>Output width.</summary>
    public int OutW => SlidingWindow.OutputLength("width", InW, PadLeft, PadRight, KernelW, StrideW, DilationW, false, out _);

    /// <summary>Input channels seen by each group.</summary>
    public int InChannelsPerGroup => InChannels / Groups;

    /// <summary>Output channels produced by each group.</summary>
    public int OutChannelsPerGroup => OutChannels / Groups;

    /// <summary>Elements of one input sample.</summary>
    public int InputSampleSize => checked(InChannels * InH * InW);

    /// <summary>Elements of one output sample.</summary>
    public int OutputSampleSize => checked(OutChannels * OutH * OutW);

    /// <summary>Rows of one group's im2col matrix: input channels per group x kernel height x kernel width.</summary>
    public int ColumnRows => checked(InChannelsPerGroup * KernelH * KernelW);

    /// <summary>Elements of one group's im2col matrix: <see cref="ColumnRows"/> x output positions.</summary>
    public int ColumnsLength => checked(ColumnRows * OutH * OutW);

    /// <summary>The output shape for a batch of <paramref name="batch"/> samples.</summary>
    public Shape OutputShape(int batch) =>
        SpatialRank == 2 ? new Shape(batch, OutChannels, OutH, OutW) : new Shape(batch, OutChannels, OutW);
}
