using System.Buffers;

namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over rented arrays: a multi-megabyte translation builds its output
/// without putting throw-away arrays on the large-object heap.
/// </summary>
internal sealed class PooledBufferWriter(int initialCapacity) : IBufferWriter<byte>, IDisposable
{
    private byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
    private int written;

    public ReadOnlySpan<byte> WrittenSpan => buffer.AsSpan(0, written);

    public void Advance(int count) => written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return buffer.AsMemory(written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return buffer.AsSpan(written);
    }

    private void Ensure(int sizeHint)
    {
        if (buffer.Length - written >= Math.Max(sizeHint, 1)) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, written + sizeHint));
        buffer.AsSpan(0, written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = bigger;
    }

    /// <summary>Hands the rented array (and what was written) to the caller, who returns it to the pool; Dispose then does nothing.</summary>
    public (byte[] Buffer, ReadOnlyMemory<byte> Written) Detach()
    {
        var detached = buffer;
        buffer = [];
        return (detached, detached.AsMemory(0, written));
    }

    public void Dispose()
    {
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}
