using System.IO.Compression;
using ClaudeModelProxy.Core.Configuration;

namespace ClaudeModelProxy.Gateway;

/// <summary>Why a relay ends a stream early with an SSE error event of <see cref="ErrorType"/>.</summary>
public abstract class StreamEndedException(string errorType, string message, Exception? inner = null) : IOException(message, inner)
{
    public string ErrorType { get; } = errorType;
}

/// <summary>An upstream reply the gateway will not relay (too large, or encoded in a way it cannot read); the message says why.</summary>
public sealed class UpstreamReplyRefusedException(string message, Exception? inner = null) : StreamEndedException(Core.Anthropic.AnthropicError.Api, message, inner);

/// <summary>The gateway is stopping and SHUTDOWN_GRACE_SECONDS ran out before this stream ended.</summary>
public sealed class GatewayStoppingException(TimeSpan grace) : StreamEndedException(Core.Anthropic.AnthropicError.Overloaded,
    $"The gateway is stopping and this stream did not end within SHUTDOWN_GRACE_SECONDS ({grace.TotalSeconds:0} s); it was ended here. Retry the request.");

/// <summary>
/// Opens an upstream reply body for reading. The gateway never asks for compression, but a
/// provider (or a proxy in front of it) may compress anyway: gzip, deflate and br are decoded,
/// any other coding is refused, so that compressed bytes are never relayed as if they were text.
/// </summary>
public static class UpstreamContent
{
    public static async Task<Stream> OpenAsync(HttpResponseMessage response, string providerName, CancellationToken cancellation)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellation);
        var codings = response.Content.Headers.ContentEncoding;
        if (codings.Count == 0) return stream;
        // Codings are listed in the order they were applied: undo the last first.
        foreach (var coding in codings.Reverse())
        {
            stream = coding.Trim().ToLowerInvariant() switch
            {
                "gzip" or "x-gzip" => new GZipStream(stream, CompressionMode.Decompress),
                "deflate" => new ZLibStream(stream, CompressionMode.Decompress),
                "br" => new BrotliStream(stream, CompressionMode.Decompress),
                "identity" => stream,
                _ => Refuse(stream, $"{providerName} sent its reply with Content-Encoding \"{coding}\", which the gateway did not ask for and cannot decode."),
            };
        }
        return new DecodingErrors(stream, providerName);
    }

    /// <summary>The reply's length in bytes as it will be read: unknown once it is decoded.</summary>
    public static long? Length(HttpResponseMessage response) =>
        response.Content.Headers.ContentEncoding.Count == 0 ? response.Content.Headers.ContentLength : null;

    private static Stream Refuse(Stream stream, string message)
    {
        stream.Dispose();
        throw new UpstreamReplyRefusedException(message);
    }

    /// <summary>Turns a corrupt compressed body into the refusal the relays already handle.</summary>
    private sealed class DecodingErrors(Stream inner, string providerName) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (InvalidDataException e)
            {
                throw new UpstreamReplyRefusedException($"{providerName} sent a compressed reply that could not be decoded.", e);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        public override ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// <summary>The message for an upstream SSE event or JSON reply over <see cref="GatewayLimits.MaxUpstreamReplyBytes"/>.</summary>
    public static string TooLarge(string what) =>
        $"{what} is larger than {GatewayLimits.MaxUpstreamReplyBytes / (1024 * 1024)} MiB, the gateway's cap; it was not relayed.";
}
