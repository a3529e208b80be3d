namespace UnIT.ML.Data;

/// <summary>
/// A forward-only stream that gives back a few bytes already taken from another stream and then the
/// rest of it, so that a non-seekable stream can be sniffed without holding all of it in memory.
/// </summary>
internal sealed class PeekedStream(ReadOnlyMemory<byte> peeked, Stream rest) : Stream
{
    private ReadOnlyMemory<byte> _peeked = peeked;

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        if (_peeked.IsEmpty)
        {
            return rest.Read(buffer);
        }
        int n = Math.Min(buffer.Length, _peeked.Length);
        _peeked.Span[..n].CopyTo(buffer);
        _peeked = _peeked[n..];
        return n;
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
