namespace UnIT.ML.Engine;

/// <summary>
/// Buffers one thread reuses across the samples it runs: every node output and kernel scratch is
/// allocated once per run of a batch chunk instead of once per sample. Not thread-safe: one per thread.
/// </summary>
internal sealed class Workspace
{
    private readonly Dictionary<(object Owner, int Slot), Array> _arrays = new();

    /// <summary>The buffer of <paramref name="owner"/>'s slot <paramref name="slot"/>, with exactly <paramref name="length"/> elements (contents undefined).</summary>
    public T[] Rent<T>(object owner, int slot, int length)
    {
        if (!_arrays.TryGetValue((owner, slot), out Array? a) || a.Length != length)
        {
            a = new T[length];
            _arrays[(owner, slot)] = a;
        }
        return (T[])a;
    }
}
