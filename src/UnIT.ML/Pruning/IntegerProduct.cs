namespace UnIT.ML.Pruning;

/// <summary>|x_q * w_q| of int16 operands held as integer-valued floats: exact, at most 2^30.</summary>
internal readonly struct IntegerProduct : IMacProduct
{
    public uint Key(float x, float w) => (uint)Math.Abs((int)x * (int)w);
}
