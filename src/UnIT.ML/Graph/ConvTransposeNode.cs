namespace UnIT.ML.Graph;

/// <summary>
/// ONNX ConvTranspose (1-D or 2-D, as decoders and upsampling paths use): each input cell adds its
/// value times the kernel into the output window it maps to. Weight [C_in, C_out / groups, kH, (kW)].
/// Output size per axis: stride * (in - 1) + output_padding + dilation * (k - 1) + 1 - pad_begin - pad_end.
/// </summary>
public sealed class ConvTransposeNode : Node
{
    /// <summary>Creates the node; the arrays have one entry per spatial axis.</summary>
    public ConvTransposeNode(string name, string input, string output, Tensor weight, float[]? bias, int[] strides,
        int[] padsBegin, int[] padsEnd, int[] dilations, int[] outputPadding, int groups)
        : base(name, input, output)
    {
        ArgumentNullException.ThrowIfNull(weight);
        int axes = weight.Shape.Rank - 2;
        int[][] perAxis = [strides, padsBegin, padsEnd, dilations, outputPadding];
        if (axes is not (1 or 2) || perAxis.Any(a => a is null || a.Length != axes))
        {
            throw Error($"weight {weight.Shape} with strides, pads, dilations and output_padding of one entry per spatial axis (1 or 2) is required.");
        }
        if (groups < 1 || weight.Shape[0] % groups != 0 || strides.Any(s => s < 1) || dilations.Any(d => d < 1)
            || padsBegin.Concat(padsEnd).Concat(outputPadding).Any(p => p < 0))
        {
            throw Error($"groups {groups} must divide the {weight.Shape[0]} input channels; strides and dilations must be positive, pads and output_padding not negative.");
        }
        if (bias is not null && bias.Length != weight.Shape[1] * groups)
        {
            throw Error($"bias has {bias.Length} values for {weight.Shape[1] * groups} output channels.");
        }
        Weight = weight;
        Bias = bias;
        Strides = (int[])strides.Clone();
        PadsBegin = (int[])padsBegin.Clone();
        PadsEnd = (int[])padsEnd.Clone();
        Dilations = (int[])dilations.Clone();
        OutputPadding = (int[])outputPadding.Clone();
        Groups = groups;
    }

    /// <summary>Weight [C_in, C_out / groups, kernel...].</summary>
    public Tensor Weight { get; }

    /// <summary>Bias per output channel, or null.</summary>
    public float[]? Bias { get; }

    /// <summary>Stride per spatial axis.</summary>
    public int[] Strides { get; }

    /// <summary>Cells removed at the start of each spatial axis of the full output.</summary>
    public int[] PadsBegin { get; }

    /// <summary>Cells removed at the end of each spatial axis of the full output.</summary>
    public int[] PadsEnd { get; }

    /// <summary>Dilation per spatial axis.</summary>
    public int[] Dilations { get; }

    /// <summary>Cells added at the end of each spatial axis.</summary>
    public int[] OutputPadding { get; }

    /// <summary>Number of groups.</summary>
    public int Groups { get; }

    /// <summary>Number of output channels.</summary>
    public int OutputChannels => Weight.Shape[1] * Groups;

    /// <inheritdoc/>
    public override string OpName => "ConvTranspose";

    /// <inheritdoc/>
    public override long ParameterCount => Weight.Data.Length + (Bias?.Length ?? 0);

    /// <inheritdoc/>
    public override string Attributes =>
        $"k={string.Join("x", Weight.Shape.Dimensions[2..])} s={string.Join("x", Strides)} p={string.Join("x", PadsBegin)}/{string.Join("x", PadsEnd)} g={Groups}";

    /// <inheritdoc/>
    public override long MacsPerSample(Shape input) => input.SampleSize * (long)(Weight.Data.Length / Weight.Shape[0]);

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input)
    {
        int axes = Strides.Length;
        if (input.Rank != axes + 2 || input[1] != Weight.Shape[0])
        {
            throw Error($"expects a rank-{axes + 2} input with {Weight.Shape[0]} channels but got {input}.");
        }
        var dims = new int[input.Rank];
        dims[0] = input[0];
        dims[1] = OutputChannels;
        for (int i = 0; i < axes; i++)
        {
            long size = (long)Strides[i] * (input[2 + i] - 1) + OutputPadding[i] + (long)Dilations[i] * (Weight.Shape[2 + i] - 1) + 1 - PadsBegin[i] - PadsEnd[i];
            if (size < 1 || size > int.MaxValue)
            {
                throw Error($"the output along spatial axis {i} would have {size} cells for the input {input}.");
            }
            dims[2 + i] = (int)size;
        }
        return new Shape(dims);
    }
}
