namespace UnIT.ML.Pruning;

/// <summary>
/// How a MAC's |x * w| becomes an unsigned key that orders like the product (a struct, so calls inline):
/// the IEEE-754 bits of a float product, or an exact integer product of fixed-point operands.
/// </summary>
internal interface IMacProduct
{
    /// <summary>The ordering key of |x * w|; both operands are nonzero.</summary>
    uint Key(float x, float w);
}
