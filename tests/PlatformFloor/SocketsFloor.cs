using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

/// <summary>
/// The second floor (FLOOR=sockets): the same relay as the Kestrel one, on bare sockets with HTTP/1.1 written by hand on
/// both sides, so that the benchmark can tell what .NET's sockets and thread pool cost from what Kestrel and
/// SocketsHttpHandler add. It reads no more than it must: a request is its head and a Content-Length body, forwarded
/// with the upstream's base path before the target; a response is relayed as its bytes arrive, its framing
/// (Content-Length or chunked) read only to find its end. A yardstick for the benchmark's own requests, not a proxy:
/// no chunked request bodies, no limits, no header checks, an IP literal for the upstream.
/// </summary>
internal static class SocketsFloor
{
    private const int BufferSize = 64 * 1024;
    private static readonly byte[] HealthReply = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"u8.ToArray();

    public static async Task RunAsync(int port, Uri upstream)
    {
        var upstreamEndPoint = new IPEndPoint(IPAddress.Parse(upstream.Host), upstream.Port);
        var basePath = Encoding.ASCII.GetBytes(upstream.AbsolutePath.TrimEnd('/'));
        var idle = new ConcurrentStack<Socket>();
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(1024);
        while (true)
        {
            var client = await listener.AcceptAsync();
            client.NoDelay = true;
            _ = Task.Run(() => ServeAsync(client, new Upstream(upstreamEndPoint, basePath, idle)));
        }
    }

    private sealed record Upstream(IPEndPoint EndPoint, byte[] BasePath, ConcurrentStack<Socket> Idle);

    /// <summary>One client connection: request after request until the client closes.</summary>
    private static async Task ServeAsync(Socket client, Upstream upstream)
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
                    var read = await client.ReceiveAsync(request.AsMemory(filled), SocketFlags.None);
                    if (read == 0) return;
                    filled += read;
                }
                var total = headLength + ContentLength(request.AsSpan(0, headLength));
                if (total > request.Length) request = Grow(request, filled, total);
                while (filled < total)
                {
                    var read = await client.ReceiveAsync(request.AsMemory(filled), SocketFlags.None);
                    if (read == 0) return;
                    filled += read;
                }
                var targetStart = request.AsSpan(0, headLength).IndexOf((byte)' ') + 1;
                if (request.AsSpan(targetStart).StartsWith("/healthz"u8))
                    await client.SendAsync(HealthReply, SocketFlags.None);
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
    private static async Task ForwardAsync(byte[] request, int targetStart, int total, Socket client, byte[] response, Upstream upstream)
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
        try
        {
            await connection.SendAsync(outgoing.AsMemory(0, outgoingLength), SocketFlags.None);
            await RelayResponseAsync(connection, client, response);
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
        upstream.Idle.Push(connection);
    }

    private static async Task RelayResponseAsync(Socket upstream, Socket client, byte[] buffer)
    {
        var filled = 0;
        int headLength;
        while ((headLength = HeadLength(buffer.AsSpan(0, filled))) < 0) filled += await ReceiveSomeAsync(upstream, buffer, filled);
        if (buffer.AsSpan(0, headLength).IndexOf("chunked"u8) < 0)
        {
            var remaining = headLength + ContentLength(buffer.AsSpan(0, headLength)) - filled;
            await client.SendAsync(buffer.AsMemory(0, filled), SocketFlags.None);
            while (remaining > 0)
            {
                var read = await ReceiveSomeAsync(upstream, buffer, 0, remaining);
                remaining -= read;
                await client.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
            return;
        }
        // Chunked: send every complete chunk as it arrives; keep an incomplete one until the rest of it is read.
        var scanned = headLength;
        while (true)
        {
            var (complete, ended) = CompleteChunks(buffer.AsSpan(scanned, filled - scanned));
            scanned += complete;
            if (ended)
            {
                await client.SendAsync(buffer.AsMemory(0, scanned), SocketFlags.None);
                return;
            }
            if (scanned > 0) await client.SendAsync(buffer.AsMemory(0, scanned), SocketFlags.None);
            buffer.AsSpan(scanned, filled - scanned).CopyTo(buffer);
            filled -= scanned;
            scanned = 0;
            filled += await ReceiveSomeAsync(upstream, buffer, filled);
        }
    }

    private static async ValueTask<int> ReceiveSomeAsync(Socket socket, byte[] buffer, int offset, int most = int.MaxValue)
    {
        var read = await socket.ReceiveAsync(buffer.AsMemory(offset, Math.Min(most, buffer.Length - offset)), SocketFlags.None);
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
            var size = HexPrefix(data.Slice(complete, lineEnd));
            var next = complete + lineEnd + 2 + size + 2;
            if (next > data.Length) return (complete, false);
            complete = next;
            if (size == 0) return (complete, true);
        }
    }

    private static int HexPrefix(ReadOnlySpan<byte> line)
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
        var at = head.IndexOf("\r\nContent-Length:"u8);
        if (at < 0) at = head.IndexOf("\r\ncontent-length:"u8);
        if (at < 0) return 0;
        var value = head[(at + "\r\nContent-Length:".Length)..];
        value = value[..value.IndexOf("\r\n"u8)].Trim((byte)' ');
        return int.Parse(value);
    }

    private static byte[] Grow(byte[] buffer, int filled, int size)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        buffer.AsSpan(0, filled).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        return bigger;
    }
}
