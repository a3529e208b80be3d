using System.Runtime.CompilerServices;

namespace UnIT.ML.Engine;

/// <summary>
/// Buffers one thread reuses across the samples it runs: every node output and kernel scratch is
/// allocated once, not once per sample. Buffers also outlive the workspace: each thread keeps them per
/// owner (a node or layer of an engine) in a weak table, so the next run on that thread (a batch of 1
/// from an ML.NET row, say) allocates nothing, and an engine's buffers go when the engine goes.
/// Not thread-safe: one per thread, and a thread runs one pass of an engine at a time (engine passes
/// run no other engine pass inside them).
/// </summary>
internal sealed class Workspace
{
    [ThreadStatic]
    private static ConditionalWeakTable<object, Dictionary<int, Array>>? t_kept;

    private readonly Dictionary<(object Owner, int Slot), Array> _arrays = new();

    /// <summary>The buffer of <paramref name="owner"/>'s slot <paramref name="slot"/>, with exactly <paramref name="length"/> elements (contents undefined).</summary>
    public T[] Rent<T>(object owner, int slot, int length)
    {
        if (_arrays.TryGetValue((owner, slot), out Array? a) && a.Length == length && a is T[] hit)
        {
            return hit;
        }
        Dictionary<int, Array> kept = (t_kept ??= new()).GetOrCreateValue(owner);
        if (!kept.TryGetValue(slot, out a) || a.Length != length || a is not T[])
        {
            a = new T[length];
            kept[slot] = a;
        }
        _arrays[(owner, slot)] = a;
        return (T[])a;
    }
}
