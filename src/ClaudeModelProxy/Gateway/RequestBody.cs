using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Gateway;

/// <summary>A request body read into one pooled buffer; return it with Dispose.</summary>
public sealed class RequestBody : IDisposable
{
    /// <summary>Anthropic's own limit for Messages and count_tokens.</summary>
    public const int MaxBytes = 32 * 1024 * 1024;

    private byte[]? buffer;

    private RequestBody(byte[] buffer, int length)
    {
        this.buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => buffer.AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => buffer.AsSpan(0, Length);

    /// <summary>Reads the whole body, or returns null when it is over <see cref="MaxBytes"/> (without reading the rest).</summary>
    public static async Task<RequestBody?> ReadAsync(HttpRequest request, CancellationToken cancellation)
    {
        var declared = request.ContentLength;
        if (declared > MaxBytes) return null;
        var buffer = ArrayPool<byte>.Shared.Rent(declared is > 0 ? (int)declared.Value : 16 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxBytes + 1)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return null;
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellation);
                if (read == 0) break;
                length += read;
                if (length > MaxBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }
            }
            return new RequestBody(buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public void Dispose()
    {
        var toReturn = Interlocked.Exchange(ref buffer, null);
        if (toReturn is not null) ArrayPool<byte>.Shared.Return(toReturn);
    }
}
