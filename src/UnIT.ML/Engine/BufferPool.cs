namespace UnIT.ML.Engine;

/// <summary>
/// Value buffers of one thread, handed out by length and given back after a value's last reader, so a
/// run allocates only as many buffers as are live at once. Not thread-safe: one per thread.
/// </summary>
internal sealed class BufferPool
{
    private readonly Dictionary<int, Stack<float[]>> _free = new();

    /// <summary>A buffer of exactly <paramref name="length"/> elements (contents undefined).</summary>
    public float[] Rent(int length) =>
        _free.TryGetValue(length, out Stack<float[]>? stack) && stack.TryPop(out float[]? buffer) ? buffer : new float[length];

    /// <summary>Gives a buffer back for reuse.</summary>
    public void Return(float[] buffer)
    {
        if (!_free.TryGetValue(buffer.Length, out Stack<float[]>? stack))
        {
            stack = new Stack<float[]>();
            _free[buffer.Length] = stack;
        }
        stack.Push(buffer);
    }
}
