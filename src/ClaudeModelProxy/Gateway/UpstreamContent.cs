using System.IO.Compression;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Gateway.Failures;

namespace ClaudeModelProxy.Gateway;

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
        throw GatewayFailures.ReplyRefused(message);
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
                throw GatewayFailures.ReplyRefused($"{providerName} sent a compressed reply that could not be decoded.", e);
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
}
