using System.Globalization;

namespace UnIT.ML.Graph;

/// <summary>
/// A 1-D or 2-D convolution (ONNX Conv) with stride, padding, dilation and groups.
/// Weight shape [M, C/groups, kH, kW] (2-D) or [M, C/groups, k] (1-D).
/// </summary>
public sealed class ConvNode : PrunableNode
{
    /// <summary>Creates the node. Arrays have one entry per spatial axis; pads are given as begin and end per axis.</summary>
    public ConvNode(string name, string input, string output, Tensor weight, float[]? bias,
        int[] strides, int[] padsBegin, int[] padsEnd, int[] dilations, int groups)
        : base(name, input, output, weight, bias)
    {
        int spatial = weight.Shape.Rank - 2;
        if (spatial is not (1 or 2))
        {
            throw Error($"only 1-D and 2-D convolutions are supported; the weight has shape {weight.Shape}.");
        }
        Strides = Check(strides, spatial, nameof(strides), 1);
        PadsBegin = Check(padsBegin, spatial, nameof(padsBegin), 0);
        PadsEnd = Check(padsEnd, spatial, nameof(padsEnd), 0);
        Dilations = Check(dilations, spatial, nameof(dilations), 1);
        if (groups < 1 || OutputChannels % groups != 0)
        {
            throw Error($"group count {groups} must be positive and divide the {OutputChannels} output channels.");
        }
        Groups = groups;
    }

    /// <summary>Number of spatial axes (1 or 2).</summary>
    public int SpatialRank => Weight.Shape.Rank - 2;

    /// <summary>Kernel size per spatial axis.</summary>
    public int[] KernelShape => Weight.Shape.Dimensions[2..];

    /// <summary>Stride per spatial axis.</summary>
    public int[] Strides { get; }

    /// <summary>Padding at the start of each spatial axis.</summary>
    public int[] PadsBegin { get; }

    /// <summary>Padding at the end of each spatial axis.</summary>
    public int[] PadsEnd { get; }

    /// <summary>Dilation per spatial axis.</summary>
    public int[] Dilations { get; }

    /// <summary>Number of groups (channels are split into this many independent convolutions).</summary>
    public int Groups { get; }

    /// <inheritdoc/>
    public override string OpName => SpatialRank == 1 ? "Conv1d" : "Conv2d";

    /// <inheritdoc/>
    public override bool WeightIsControlTerm => true;

    /// <inheritdoc/>
    public override PrunableNode WithWeight(Tensor weight) =>
        new ConvNode(Name, Input, Output, weight, Bias, Strides, PadsBegin, PadsEnd, Dilations, Groups);

    /// <inheritdoc/>
    public override PrunableNode WithBias(float[]? bias) =>
        new ConvNode(Name, Input, Output, Weight, bias, Strides, PadsBegin, PadsEnd, Dilations, Groups);

    /// <inheritdoc/>
    public override string Attributes
    {
        get
        {
            static string J(int[] a) => string.Join("x", a.Select(v => v.ToString(CultureInfo.InvariantCulture)));
            return $"k={J(KernelShape)} s={J(Strides)} p={J(PadsBegin)}/{J(PadsEnd)} d={J(Dilations)} g={Groups}";
        }
    }

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input) => Geometry(input).OutputShape(input[0]);

    /// <inheritdoc/>
    public override long MacsPerSample(Shape input)
    {
        ConvGeometry g = Geometry(input);
        // Both factors are below 2^31 (Geometry checks them), so the product fits in a long.
        return (long)g.OutputSampleSize * g.ColumnRows;
    }

    /// <summary>The loop bounds of this convolution for an input of shape <paramref name="input"/>.</summary>
    public ConvGeometry Geometry(Shape input)
    {
        if (input.Rank != SpatialRank + 2)
        {
            throw Error($"expects a rank-{SpatialRank + 2} input [N,C,{(SpatialRank == 2 ? "H,W" : "L")}] but got {input}.");
        }
        int channels = input[1];
        int perGroup = Weight.Shape[1];
        if (channels != perGroup * Groups)
        {
            throw Error($"input has {channels} channels but weight {Weight.Shape} with {Groups} group(s) expects {perGroup * Groups}.");
        }
        // 1-D convolutions run as 2-D ones with a height of 1.
        int a = SpatialRank == 2 ? 1 : 0;
        int inH = SpatialRank == 2 ? input[2] : 1;
        int inW = input[2 + a];
        var g = new ConvGeometry(
            InChannels: channels, OutChannels: OutputChannels, Groups: Groups,
            InH: inH, InW: inW,
            KernelH: SpatialRank == 2 ? Weight.Shape[2] : 1, KernelW: Weight.Shape[2 + a],
            StrideH: SpatialRank == 2 ? Strides[0] : 1, StrideW: Strides[a],
            PadTop: SpatialRank == 2 ? PadsBegin[0] : 0, PadLeft: PadsBegin[a],
            PadBottom: SpatialRank == 2 ? PadsEnd[0] : 0, PadRight: PadsEnd[a],
            DilationH: SpatialRank == 2 ? Dilations[0] : 1, DilationW: Dilations[a],
            SpatialRank: SpatialRank);
        string? problem = null;
        if ((SpatialRank == 2 && SlidingWindow.OutputLength("height", g.InH, g.PadTop, g.PadBottom, g.KernelH, g.StrideH, g.DilationH, false, out problem) < 1)
            || SlidingWindow.OutputLength(SpatialRank == 2 ? "width" : "length", g.InW, g.PadLeft, g.PadRight, g.KernelW, g.StrideW, g.DilationW, false, out problem) < 1)
        {
            throw Error($"input {input} does not fit kernel {string.Join("x", KernelShape)} with pads {string.Join(",", PadsBegin.Concat(PadsEnd))}, strides {string.Join(",", Strides)} and dilations {string.Join(",", Dilations)}: {problem}");
        }
        // The kernels index one sample's output and one group's im2col matrix with 32-bit integers.
        // Each factor is below 2^31, so each product of two fits in a long.
        long positions = (long)g.OutH * g.OutW;
        long rows = (long)g.InChannelsPerGroup * g.KernelH * g.KernelW;
        if (positions > Array.MaxLength || positions * g.OutChannels > Array.MaxLength || positions * rows > Array.MaxLength)
        {
            throw Error($"input {input} gives {g.OutH}x{g.OutW} output positions per channel; {g.OutChannels} output channels and an unrolled input of {rows} rows per position need more elements than one array can hold ({Array.MaxLength}).");
        }
        return g;
    }

    private int[] Check(int[] values, int spatial, string what, int min)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != spatial || values.Any(v => v < min))
        {
            throw Error($"{what} must have {spatial} value(s) each >= {min}; got [{string.Join(",", values)}].");
        }
        return (int[])values.Clone();
    }
}
