using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

/// <summary>
/// The second floor (FLOOR=sockets): the same relay as the Kestrel one, on bare sockets with HTTP/1.1 written by hand on
/// both sides, so that the benchmark can tell what .NET's sockets and thread pool cost from what Kestrel and
/// SocketsHttpHandler add. It reads no more than it must: a request is its head and a Content-Length body, forwarded
/// with the upstream's base path before the target; a response is relayed as it arrives, whole chunks at a time, its
/// framing (Content-Length or chunked) read only to find its end. A yardstick for the benchmark's own requests, not a
/// proxy: no chunked request bodies, no header checks, an IP literal for the upstream, and a response head or chunk
/// larger than the 64 KiB buffer ends the connection as if it had been reset. With FLOOR=kestrel-transport the client
/// side is Kestrel's connection (its socket transport and pipes) instead of a bare socket, HTTP still by hand: this
/// tells Kestrel's transport from its HTTP layer.
/// </summary>
internal static class SocketsFloor
{
    private const int BufferSize = 64 * 1024;
    private static readonly byte[] HealthReply = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"u8.ToArray();

    public static async Task RunAsync(int port, Uri upstream)
    {
        var target = Upstream.At(upstream);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(1024);
        while (true)
        {
            var client = await listener.AcceptAsync();
            client.NoDelay = true;
            _ = Task.Run(() => ServeAsync(new SocketClient(client), target));
        }
    }

    /// <summary>The same relay behind Kestrel's transport: a connection middleware that never hands over to Kestrel's HTTP.</summary>
    public static async Task RunOnKestrelTransportAsync(int port, Uri upstream)
    {
        var target = Upstream.At(upstream);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Use(_ => connection => ServeAsync(new TransportClient(connection.Transport), target))));
        var app = builder.Build();
        app.Run(_ => Task.CompletedTask);
        await app.RunAsync();
    }

    private sealed record Upstream(IPEndPoint EndPoint, byte[] BasePath, ConcurrentStack<Socket> Idle)
    {
        public static Upstream At(Uri url) =>
            new(new IPEndPoint(IPAddress.Parse(url.Host), url.Port), Encoding.ASCII.GetBytes(url.AbsolutePath.TrimEnd('/')), new ConcurrentStack<Socket>());
    }

    /// <summary>The client's side of the relay: a bare socket, or Kestrel's transport pipes.</summary>
    private interface IClientConnection : IDisposable
    {
        ValueTask<int> ReceiveAsync(Memory<byte> buffer);

        ValueTask SendAsync(ReadOnlyMemory<byte> data);
    }

    private sealed class SocketClient(Socket socket) : IClientConnection
    {
        public ValueTask<int> ReceiveAsync(Memory<byte> buffer) => socket.ReceiveAsync(buffer, SocketFlags.None);

        public async ValueTask SendAsync(ReadOnlyMemory<byte> data) => await socket.SendAsync(data, SocketFlags.None);

        public void Dispose() => socket.Dispose();
    }

    /// <summary>Copies out of Kestrel's input pipe into the relay's buffer, so that both clients share one relay.</summary>
    private sealed class TransportClient(System.IO.Pipelines.IDuplexPipe transport) : IClientConnection
    {
        public async ValueTask<int> ReceiveAsync(Memory<byte> buffer)
        {
            var result = await transport.Input.ReadAsync();
            var available = result.Buffer;
            var count = (int)Math.Min(available.Length, buffer.Length);
            available.Slice(0, count).CopyTo(buffer.Span);
            transport.Input.AdvanceTo(available.GetPosition(count));
            return count;
        }

        public async ValueTask SendAsync(ReadOnlyMemory<byte> data) => await transport.Output.WriteAsync(data);

        public void Dispose()
        {
            // Kestrel closes the connection when the middleware returns.
        }
    }

    /// <summary>One client connection: request after request until the client closes.</summary>
    private static async Task ServeAsync(IClientConnection client, Upstream upstream)
    {
        var request = ArrayPool<byte>.Shared.Rent(BufferSize);
        var response = ArrayPool<byte>.Shared.Rent(BufferSize);
        var filled = 0;
        try
        {
            while (true)
            {
                int headLength;
                while ((headLength = HeadLength(request.AsSpan(0, filled))) < 0)
                {
                    if (filled == request.Length) return; // a head larger than the buffer: not a benchmark request
                    var read = await client.ReceiveAsync(request.AsMemory(filled));
                    if (read == 0) return;
                    filled += read;
                }
                var total = headLength + ContentLength(request.AsSpan(0, headLength));
                if (total > request.Length) request = Grow(request, filled, total);
                while (filled < total)
                {
                    var read = await client.ReceiveAsync(request.AsMemory(filled));
                    if (read == 0) return;
                    filled += read;
                }
                var targetStart = request.AsSpan(0, headLength).IndexOf((byte)' ') + 1;
                if (request.AsSpan(targetStart).StartsWith("/healthz"u8))
                    await client.SendAsync(HealthReply);
                else
                    await ForwardAsync(request, targetStart, total, client, response, upstream);
                request.AsSpan(total, filled - total).CopyTo(request);
                filled -= total;
            }
        }
        catch (SocketException)
        {
        }
        finally
        {
            client.Dispose();
            ArrayPool<byte>.Shared.Return(request);
            ArrayPool<byte>.Shared.Return(response);
        }
    }

    /// <summary>Sends the request on an idle upstream connection (or a new one), with the base path inserted before its target, and relays the response.</summary>
    private static async Task ForwardAsync(byte[] request, int targetStart, int total, IClientConnection client, byte[] response, Upstream upstream)
    {
        var outgoingLength = total + upstream.BasePath.Length;
        var outgoing = ArrayPool<byte>.Shared.Rent(outgoingLength);
        request.AsSpan(0, targetStart).CopyTo(outgoing);
        upstream.BasePath.CopyTo(outgoing.AsSpan(targetStart));
        request.AsSpan(targetStart, total - targetStart).CopyTo(outgoing.AsSpan(targetStart + upstream.BasePath.Length));
        if (!upstream.Idle.TryPop(out var connection))
        {
            connection = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await connection.ConnectAsync(upstream.EndPoint);
        }
        bool reusable;
        try
        {
            await connection.SendAsync(outgoing.AsMemory(0, outgoingLength), SocketFlags.None);
            reusable = await RelayResponseAsync(connection, client, response);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(outgoing);
        }
        if (reusable) upstream.Idle.Push(connection);
        else connection.Dispose();
    }

    /// <returns>Whether the upstream connection may carry another request (the response did not say Connection: close).</returns>
    private static async Task<bool> RelayResponseAsync(Socket upstreamConnection, IClientConnection client, byte[] buffer)
    {
        var filled = 0;
        int headLength;
        while ((headLength = HeadLength(buffer.AsSpan(0, filled))) < 0) filled += await ReceiveSomeAsync(upstreamConnection, buffer, filled);
        var reusable = !HasHeader(buffer.AsSpan(0, headLength), "connection: close"u8);
        if (!HasHeader(buffer.AsSpan(0, headLength), "transfer-encoding: chunked"u8))
        {
            var remaining = headLength + ContentLength(buffer.AsSpan(0, headLength)) - filled;
            await client.SendAsync(buffer.AsMemory(0, filled));
            while (remaining > 0)
            {
                var read = await ReceiveSomeAsync(upstreamConnection, buffer, 0, remaining);
                remaining -= read;
                await client.SendAsync(buffer.AsMemory(0, read));
            }
            return reusable;
        }
        // Chunked: send every complete chunk as it arrives; keep an incomplete one until the rest of it is read.
        var scanned = headLength;
        while (true)
        {
            var (complete, ended) = CompleteChunks(buffer.AsSpan(scanned, filled - scanned));
            scanned += complete;
            if (ended)
            {
                await client.SendAsync(buffer.AsMemory(0, scanned));
                return reusable;
            }
            if (scanned > 0) await client.SendAsync(buffer.AsMemory(0, scanned));
            buffer.AsSpan(scanned, filled - scanned).CopyTo(buffer);
            filled -= scanned;
            scanned = 0;
            filled += await ReceiveSomeAsync(upstreamConnection, buffer, filled);
        }
    }

    private static async ValueTask<int> ReceiveSomeAsync(Socket socket, byte[] buffer, int offset, int maxBytes = int.MaxValue)
    {
        var read = await socket.ReceiveAsync(buffer.AsMemory(offset, Math.Min(maxBytes, buffer.Length - offset)), SocketFlags.None);
        return read > 0 ? read : throw new SocketException((int)SocketError.ConnectionReset);
    }

    /// <summary>The bytes of the whole chunks at the start of <paramref name="data"/>, and whether the last of them is the zero chunk that ends the body.</summary>
    private static (int Complete, bool Ended) CompleteChunks(ReadOnlySpan<byte> data)
    {
        var complete = 0;
        while (true)
        {
            var lineEnd = data[complete..].IndexOf("\r\n"u8);
            if (lineEnd < 0) return (complete, false);
            var size = ChunkSize(data.Slice(complete, lineEnd));
            var next = complete + lineEnd + 2 + size + 2;
            if (next > data.Length) return (complete, false);
            complete = next;
            if (size == 0) return (complete, true);
        }
    }

    /// <summary>The hexadecimal size that starts a chunk's first line (any extension after it is ignored).</summary>
    private static int ChunkSize(ReadOnlySpan<byte> line)
    {
        var value = 0;
        foreach (var c in line)
        {
            var digit = HexDigit(c);
            if (digit < 0) break;
            value = value * 16 + digit;
        }
        return value;
    }

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>The length of the head up to and with its blank line, or -1 while it is incomplete.</summary>
    private static int HeadLength(ReadOnlySpan<byte> data)
    {
        var end = data.IndexOf("\r\n\r\n"u8);
        return end < 0 ? -1 : end + 4;
    }

    private static int ContentLength(ReadOnlySpan<byte> head)
    {
        var value = HeaderValue(head, "content-length"u8);
        return value.IsEmpty ? 0 : int.Parse(value);
    }

    /// <summary>Whether the head has the header with this value, both compared without regard to ASCII case.</summary>
    private static bool HasHeader(ReadOnlySpan<byte> head, ReadOnlySpan<byte> nameAndValue)
    {
        var colon = nameAndValue.IndexOf((byte)':');
        return Ascii.EqualsIgnoreCase(HeaderValue(head, nameAndValue[..colon]), nameAndValue[(colon + 1)..].TrimStart((byte)' '));
    }

    /// <summary>The value of the first header of that name (ASCII case ignored), trimmed, or empty when there is none.</summary>
    private static ReadOnlySpan<byte> HeaderValue(ReadOnlySpan<byte> head, ReadOnlySpan<byte> name)
    {
        var lines = head[(head.IndexOf("\r\n"u8) + 2)..];
        while (lines.Length > 2)
        {
            var end = lines.IndexOf("\r\n"u8);
            var line = lines[..end];
            lines = lines[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon == name.Length && Ascii.EqualsIgnoreCase(line[..colon], name)) return line[(colon + 1)..].Trim((byte)' ');
        }
        return [];
    }

    private static byte[] Grow(byte[] buffer, int filled, int size)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        buffer.AsSpan(0, filled).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        return bigger;
    }
}
