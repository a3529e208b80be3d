using UnIT.ML.Graph;
using UnIT.ML.Kernels;
using UnIT.ML.Pruning;

namespace UnIT.Export;

/// <summary>
/// The int16 form of one prunable layer, made as the C# fixed-point executors make it: weights and bias in their Q
/// formats, thresholds from the set's integer thresholds (else quantized from the float ones), the output shift.
/// The weight and bias constants are emitted on creation.
/// </summary>
internal sealed class LayerNumerics
{
    private LayerNumerics(short[] weight, int[] thresholds, int shift, string weightName, string biasName, string compensationName)
    {
        CompensationName = compensationName;
        Weight = weight;
        Thresholds = thresholds;
        Shift = shift;
        WeightName = weightName;
        BiasName = biasName;
    }

    /// <summary>Quantized weights in the layer's order (conv: as stored; fully connected: the caller's transposed order).</summary>
    public short[] Weight { get; }

    /// <summary>Integer thresholds in the product's Q format: one, or one per output channel / neuron.</summary>
    public int[] Thresholds { get; }

    /// <summary>Input bits + weight bits - output bits, capped at 32 (larger shifts give the same 0).</summary>
    public int Shift { get; }

    public string WeightName { get; }

    /// <summary>The bias array's C name, or "0" when the layer has no bias.</summary>
    public string BiasName { get; }

    /// <summary>
    /// The address of the layer's <c>unit_comp</c> (int16 skip-compensation constants in the emitted weight order, as
    /// <see cref="FixedPointCompensation"/> rounds them), or "0" without compensation or in the dense build.
    /// </summary>
    public string CompensationName { get; }

    /// <summary>
    /// Quantizes <paramref name="layer"/>; <paramref name="order"/> rearranges the weights (and the compensation constants
    /// alike) before they are emitted (null: as stored).
    /// </summary>
    public static LayerNumerics Of(PrunableNode layer, EmitContext context, Func<int[], int[]>? order = null)
    {
        var plan = context.Configuration.Quantization!;
        int inBits = plan.ValueBits(layer.Input), outBits = plan.ValueBits(layer.Output);
        int weightBits = plan.WeightBits(layer.Name);
        int productBits = inBits + weightBits;
        short[] weight = layer.Weight.Data.Select(w => FixedPointMath.Quantize(w, weightBits)).ToArray();
        weight = order is null ? weight : Array.ConvertAll(order(Array.ConvertAll(weight, w => (int)w)), w => (short)w);
        int[] thresholds = context.Configuration.Thresholds?.QuantizedFor(layer.Name)
            ?? (context.Configuration.Thresholds?.For(layer.Name) ?? [0f]).Select(t => FixedPointMath.QuantizeWide(t, productBits)).ToArray();
        string weightName = context.ConstInt16(layer.Name + "_w", weight.Select(w => (int)w).ToArray());
        string biasName = layer.Bias is null
            ? "0"
            : context.ConstInt32(layer.Name + "_b", layer.Bias.Select(b => FixedPointMath.QuantizeWide(b, productBits)).ToArray());
        string compensationName = context.Compensation(layer) is { } c ? "&" + Compensation(layer.Name, FixedPointCompensation.Quantize(c, productBits), context, order) : "0";
        return new LayerNumerics(weight, thresholds, Math.Min(productBits - outBits, 32), weightName, biasName, compensationName);
    }

    /// <summary>Emits the constants' halves (the negative one only where it holds a nonzero) and their <c>unit_comp</c>; returns its C name.</summary>
    private static string Compensation(string layer, FixedPointCompensation compensation, EmitContext context, Func<int[], int[]>? order)
    {
        int[] values = Array.ConvertAll(compensation.Values, v => (int)v);
        int n = values.Length / 2;
        int[] Half(int[] half) => order?.Invoke(half) ?? half;
        string positive = context.ConstInt16(layer + "_comp", Half(values[..n]));
        string negative = compensation.HasNegativeHalf ? context.ConstInt16(layer + "_comp_neg", Half(values[n..])) : "0";
        return context.ConstStruct("unit_comp", layer + "_comp_set", $"{positive}, {negative}, {EmitContext.Int(compensation.Shift)}", 3 * context.IndexBytes);
    }
}
