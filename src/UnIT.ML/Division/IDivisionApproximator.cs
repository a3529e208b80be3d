namespace UnIT.ML.Division;

/// <summary>
/// Approximates the per-control-term threshold <c>T / |C|</c> of the UnIT skip rule
/// (a MAC runs only when <c>|Z| &gt; t(T, |C|)</c>), and tallies the target operations it used so
/// the cost model can charge them. Implementations are immutable and thread-safe.
/// </summary>
public interface IDivisionApproximator
{
    /// <summary>Short lower-case name used in reports and on the command line (exact, bitshift, binarytree, bitmask).</summary>
    string Name { get; }

    /// <summary>
    /// Float reading (float32 and MAX78000 profiles): approximates <paramref name="threshold"/> / <paramref name="control"/>.
    /// </summary>
    /// <param name="threshold">The layer threshold T, &gt;= 0 and finite.</param>
    /// <param name="control">The magnitude of the control term |C|, &gt; 0 and finite.</param>
    /// <param name="ops">Operation tally to add this computation's operations to.</param>
    float Threshold(float threshold, float control, ref DivisionOps ops);

    /// <summary>
    /// Integer reading (fixed-point profiles): approximates <paramref name="threshold"/> / <paramref name="control"/>
    /// with integer operations only, as the device would.
    /// </summary>
    /// <param name="threshold">The threshold in the product's Q format, &gt;= 0.</param>
    /// <param name="control">|C| in its Q format, &gt; 0.</param>
    /// <param name="ops">Operation tally to add this computation's operations to.</param>
    int Threshold(int threshold, int control, ref DivisionOps ops);
}
