using System.Globalization;

namespace UnIT.ML.Graph;

/// <summary>
/// ONNX Pad of the non-batch axes: constant (negative pads crop), reflect or edge. Each array has one
/// entry per axis, and the batch axis's entries are 0, so every sample is padded on its own.
/// </summary>
public sealed class PadNode : Node
{
    /// <summary>Creates the node; <paramref name="value"/> fills the added cells in constant mode.</summary>
    public PadNode(string name, string input, string output, PadMode mode, int[] padsBegin, int[] padsEnd, float value)
        : base(name, input, output)
    {
        ArgumentNullException.ThrowIfNull(padsBegin);
        ArgumentNullException.ThrowIfNull(padsEnd);
        if (padsBegin.Length == 0 || padsBegin.Length != padsEnd.Length)
        {
            throw Error($"pads [{string.Join(",", padsBegin.Concat(padsEnd))}] need one begin and one end entry per axis.");
        }
        if (padsBegin[0] != 0 || padsEnd[0] != 0)
        {
            throw Error($"pads [{string.Join(",", padsBegin.Concat(padsEnd))}] pad the batch axis (0); padding adds or removes whole samples.");
        }
        if (mode != PadMode.Constant && padsBegin.Concat(padsEnd).Any(p => p < 0))
        {
            throw Error($"negative pads [{string.Join(",", padsBegin.Concat(padsEnd))}] are supported only in constant mode.");
        }
        Mode = mode;
        PadsBegin = (int[])padsBegin.Clone();
        PadsEnd = (int[])padsEnd.Clone();
        Value = value;
    }

    /// <summary>How added cells are filled.</summary>
    public PadMode Mode { get; }

    /// <summary>Cells added before each axis (negative: removed).</summary>
    public int[] PadsBegin { get; }

    /// <summary>Cells added after each axis (negative: removed).</summary>
    public int[] PadsEnd { get; }

    /// <summary>The fill value in constant mode.</summary>
    public float Value { get; }

    /// <inheritdoc/>
    public override string OpName => "Pad";

    /// <inheritdoc/>
    public override string Attributes => string.Create(CultureInfo.InvariantCulture,
        $"{Mode.ToString().ToLowerInvariant()} [{string.Join(",", PadsBegin)}]/[{string.Join(",", PadsEnd)}]{(Mode == PadMode.Constant ? $" value={Value}" : string.Empty)}");

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input)
    {
        if (input.Rank != PadsBegin.Length)
        {
            throw Error($"pads for {PadsBegin.Length} axes do not fit the input {input}.");
        }
        int[] dims = input.Dimensions;
        for (int i = 1; i < dims.Length; i++)
        {
            long size = (long)dims[i] + PadsBegin[i] + PadsEnd[i];
            // Reflect mirrors without repeating the border, so it cannot reach further than size - 1 cells.
            bool fits = size >= 1 && size <= int.MaxValue
                && (Mode != PadMode.Reflect || (PadsBegin[i] < dims[i] && PadsEnd[i] < dims[i]));
            if (!fits)
            {
                throw Error($"pads {PadsBegin[i]}/{PadsEnd[i]} do not fit axis {i} of the input {input} in {Mode.ToString().ToLowerInvariant()} mode.");
            }
            dims[i] = (int)size;
        }
        return new Shape(dims);
    }
}
