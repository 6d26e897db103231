using System.Buffers;

namespace ClaudeModelProxy.Core.Sse;

/// <summary>
/// Collects bytes from network reads and hands out complete SSE events (each ending with its
/// blank line), however the events were split across reads. Its buffer is pooled: dispose it.
/// </summary>
public sealed class SseEventSplitter : IDisposable
{
    private byte[] buffer = [];
    private int start;
    private int end;
    private int scanFrom;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (start > 0 && end + bytes.Length > buffer.Length)
        {
            buffer.AsSpan(start, end - start).CopyTo(buffer);
            end -= start;
            scanFrom -= start;
            start = 0;
        }
        if (end + bytes.Length > buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Max(buffer.Length * 2, 16 * 1024), end + bytes.Length));
            buffer.AsSpan(0, end).CopyTo(bigger);
            ReturnBuffer();
            buffer = bigger;
        }
        bytes.CopyTo(buffer.AsSpan(end));
        end += bytes.Length;
    }

    /// <summary>The next complete event, valid until the next <see cref="Append"/>.</summary>
    public bool TryReadEvent(out ReadOnlyMemory<byte> sseEvent)
    {
        var pending = buffer.AsSpan(scanFrom, end - scanFrom);
        var newline = pending.IndexOf((byte)'\n');
        while (newline >= 0)
        {
            var lineEnd = scanFrom + newline; // index of '\n'
            var next = lineEnd + 1;
            // The bytes that decide whether this line ends the event have not arrived yet.
            if (next == end || (next + 1 == end && buffer[next] == '\r'))
            {
                scanFrom = lineEnd;
                break;
            }
            // A blank line: "\n\n" or "\n\r\n".
            var blankLength = next < end && buffer[next] == '\n' ? 1 : next + 1 < end && buffer[next] == '\r' && buffer[next + 1] == '\n' ? 2 : 0;
            if (blankLength > 0)
            {
                var eventEnd = next + blankLength;
                sseEvent = buffer.AsMemory(start, eventEnd - start);
                start = scanFrom = eventEnd;
                if (start == end) start = end = scanFrom = 0;
                return true;
            }
            scanFrom = next;
            pending = buffer.AsSpan(scanFrom, end - scanFrom);
            newline = pending.IndexOf((byte)'\n');
        }
        sseEvent = default;
        return false;
    }

    /// <summary>Bytes received that do not yet form a complete event.</summary>
    public ReadOnlyMemory<byte> Remainder => buffer.AsMemory(start, end - start);

    public void Clear() => start = end = scanFrom = 0;

    public void Dispose()
    {
        ReturnBuffer();
        buffer = [];
        Clear();
    }

    private void ReturnBuffer()
    {
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}
