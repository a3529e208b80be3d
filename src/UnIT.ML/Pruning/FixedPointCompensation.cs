using UnIT.ML.Kernels;

namespace UnIT.ML.Pruning;

/// <summary>
/// One fixed-point layer's skip-compensation constants (<see cref="SkipCompensation"/>) as the int16 engine and the exported
/// msp430 C hold them: int16 values in units of 2^<see cref="Shift"/> of the product's Q format, the shift chosen per layer
/// so that the largest constant fits. Half the bytes of int32 constants, which is what lets a compensated model fit the
/// MSP430's 64 KiB; the constants lose only bits below 2^-15 of the layer's largest one.
/// </summary>
public sealed class FixedPointCompensation
{
    /// <summary>The largest shift: 32767 · 2^16 still fits in int32, so <see cref="Added"/> cannot overflow.</summary>
    public const int MaxShift = 16;

    private FixedPointCompensation(short[] values, int shift)
    {
        Values = values;
        Shift = shift;
        HasNegativeHalf = values.AsSpan(values.Length / 2).ContainsAnyExcept((short)0);
    }

    /// <summary>The constants in the layer's layout (positive half, then negative half), in units of 2^<see cref="Shift"/>.</summary>
    public short[] Values { get; }

    /// <summary>How far each value is shifted left to land in the product's Q format (0 to <see cref="MaxShift"/>).</summary>
    public int Shift { get; }

    /// <summary>
    /// Whether any negative-activation constant is nonzero. Without one, a negative activation adds 0 either way, so the
    /// exported C stores the positive half only (inputs after a ReLU never reach the other).
    /// </summary>
    public bool HasNegativeHalf { get; }

    /// <summary>
    /// What the int16 convolution adds for each constant, in the product's Q format: value · 2^shift (the C shifts a
    /// weight's constant once per list; a fully connected layer sums its <see cref="Values"/> per neuron and shifts the sum).
    /// </summary>
    public int[] Added => Array.ConvertAll(Values, v => v << Shift);

    /// <summary>
    /// Rounds <paramref name="constants"/> (real values, the layout above) into the product's Q format
    /// (<paramref name="productBits"/> fractional bits) with the smallest shift that fits the largest in int16.
    /// </summary>
    public static FixedPointCompensation Quantize(float[] constants, int productBits)
    {
        ArgumentNullException.ThrowIfNull(constants);
        double largest = constants.Length == 0 ? 0 : constants.Max(c => Math.Abs((double)c));
        int shift = 0;
        while (shift < MaxShift && Math.Abs(FixedPointMath.QuantizeWide(largest, productBits - shift)) > short.MaxValue)
        {
            shift++;
        }
        short[] values = Array.ConvertAll(constants, c => (short)Math.Clamp(FixedPointMath.QuantizeWide(c, productBits - shift), -short.MaxValue, short.MaxValue));
        return new FixedPointCompensation(values, shift);
    }
}
