namespace UnIT.ML.Graph;

/// <summary>MaxPool or AveragePool over 1 or 2 spatial axes (input [N, C, (H), W]).</summary>
public sealed class PoolNode : Node
{
    /// <summary>Creates the node; arrays have one entry per spatial axis.</summary>
    public PoolNode(string name, string input, string output, PoolKind kind, int[] kernel, int[] strides,
        int[] padsBegin, int[] padsEnd, int[] dilations, bool ceilMode, bool countIncludePad)
        : base(name, input, output)
    {
        if (kernel.Length is not (1 or 2) || strides.Length != kernel.Length || padsBegin.Length != kernel.Length
            || padsEnd.Length != kernel.Length || dilations.Length != kernel.Length)
        {
            throw Error($"kernel, strides, pads and dilations must each have 1 or 2 entries, one per spatial axis.");
        }
        if (kernel.Any(k => k < 1) || strides.Any(s => s < 1) || dilations.Any(d => d < 1) || padsBegin.Concat(padsEnd).Any(p => p < 0))
        {
            throw Error($"kernel [{string.Join(",", kernel)}], strides and dilations must be positive and pads non-negative.");
        }
        Kind = kind;
        Kernel = (int[])kernel.Clone();
        Strides = (int[])strides.Clone();
        PadsBegin = (int[])padsBegin.Clone();
        PadsEnd = (int[])padsEnd.Clone();
        Dilations = (int[])dilations.Clone();
        CeilMode = ceilMode;
        CountIncludePad = countIncludePad;
    }

    /// <summary>Max or average.</summary>
    public PoolKind Kind { get; }

    /// <summary>Window size per spatial axis.</summary>
    public int[] Kernel { get; }

    /// <summary>Stride per spatial axis.</summary>
    public int[] Strides { get; }

    /// <summary>Padding at the start of each spatial axis.</summary>
    public int[] PadsBegin { get; }

    /// <summary>Padding at the end of each spatial axis.</summary>
    public int[] PadsEnd { get; }

    /// <summary>Dilation per spatial axis.</summary>
    public int[] Dilations { get; }

    /// <summary>Whether output sizes round up (ONNX ceil_mode).</summary>
    public bool CeilMode { get; }

    /// <summary>Whether padded cells count in the average's divisor (ONNX count_include_pad).</summary>
    public bool CountIncludePad { get; }

    /// <inheritdoc/>
    public override string OpName => Kind == PoolKind.Max ? "MaxPool" : "AveragePool";

    /// <inheritdoc/>
    public override string Attributes => $"k={string.Join("x", Kernel)} s={string.Join("x", Strides)} p={string.Join("x", PadsBegin)}/{string.Join("x", PadsEnd)}";

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input)
    {
        if (input.Rank != Kernel.Length + 2)
        {
            throw Error($"expects a rank-{Kernel.Length + 2} input but got {input}.");
        }
        int[] d = input.Dimensions;
        for (int i = 0; i < Kernel.Length; i++)
        {
            d[2 + i] = OutputSize(i, input[2 + i], out string? problem);
            if (problem is not null)
            {
                throw Error($"input {input} does not fit kernel {string.Join("x", Kernel)} with pads {string.Join(",", PadsBegin.Concat(PadsEnd))}, strides {string.Join(",", Strides)} and dilations {string.Join(",", Dilations)}: {problem}");
            }
        }
        return new Shape(d);
    }

    /// <summary>Output size along spatial axis <paramref name="axis"/> for an input of size <paramref name="inSize"/>; 0 when the window does not fit.</summary>
    public int OutputSize(int axis, int inSize) => OutputSize(axis, inSize, out _);

    private int OutputSize(int axis, int inSize, out string? problem) =>
        SlidingWindow.OutputLength($"spatial axis {axis}", inSize, PadsBegin[axis], PadsEnd[axis], Kernel[axis], Strides[axis], Dilations[axis], CeilMode, out problem);
}
