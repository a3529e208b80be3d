namespace UnIT.ML.Pruning;

/// <summary>|x * w| in float32; its bit pattern orders non-negative floats.</summary>
internal readonly struct FloatProduct : IMacProduct
{
    public uint Key(float x, float w) => BitConverter.SingleToUInt32Bits(MathF.Abs(x * w));
}
