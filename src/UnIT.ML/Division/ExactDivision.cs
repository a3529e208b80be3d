using System.Diagnostics;

namespace UnIT.ML.Division;

/// <summary>
/// The reference approximator: the true quotient <c>T / |C|</c> (integer reading: truncating integer
/// division <c>t / c</c>). Costs one division per threshold. Immutable and thread-safe.
/// </summary>
public sealed class ExactDivision : IDivisionApproximator
{
    /// <inheritdoc />
    public string Name => "exact";

    /// <inheritdoc />
    /// <remarks>Ops: 1 division. Overflows to +infinity exactly as float division does for tiny <paramref name="control"/>.</remarks>
    public float Threshold(float threshold, float control, ref DivisionOps ops)
    {
        Debug.Assert(control > 0f, "The control term must be a positive magnitude.");
        ops.Computations++;
        ops.Divisions++;
        return threshold / control;
    }

    /// <inheritdoc />
    /// <remarks>Ops: 1 division. Truncates toward zero like the device's integer division.</remarks>
    public int Threshold(int threshold, int control, ref DivisionOps ops)
    {
        Debug.Assert(control > 0, "The control term must be a positive magnitude.");
        ops.Computations++;
        ops.Divisions++;
        return threshold / control;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
