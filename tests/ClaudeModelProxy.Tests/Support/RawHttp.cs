using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ClaudeModelProxy.Tests.Support;

/// <summary>What came back on a raw connection: the status line's code, the headers and the body as text.</summary>
public sealed record RawReply(int Status, string Head, string Body, bool ClosedByServer)
{
    public string? ErrorType => TryError()?.GetProperty("type").GetString();

    public string? ErrorMessage => TryError()?.GetProperty("message").GetString();

    private JsonElement? TryError()
    {
        try
        {
            var start = Body.IndexOf('{');
            if (start < 0) return null;
            var root = JsonDocument.Parse(Body[start..(Body.LastIndexOf('}') + 1)]).RootElement;
            return root.TryGetProperty("error", out var error) ? error : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>HTTP written byte for byte on a socket, for the requests that polite clients refuse to send.</summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> and reads the first reply (until the server closes or the reply is complete).</summary>
    public static async Task<RawReply> SendAsync(int port, string request, TimeSpan? timeout = null) =>
        await SendAsync(port, Encoding.ASCII.GetBytes(request), timeout);

    public static async Task<RawReply> SendAsync(int port, byte[] request, TimeSpan? timeout = null)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var stream = socket.GetStream();
        try
        {
            await stream.WriteAsync(request);
        }
        catch (IOException)
        {
            // The server may answer and close before it has read everything.
        }
        return await ReadReplyAsync(stream, timeout ?? TimeSpan.FromSeconds(10));
    }

    /// <summary>Reads one reply: headers, then Content-Length bytes (or until close).</summary>
    public static async Task<RawReply> ReadReplyAsync(Stream stream, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        var closed = false;
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, deadline.Token);
                if (read == 0)
                {
                    closed = true;
                    break;
                }
                received.Write(buffer, 0, read);
                if (IsComplete(received.ToArray())) break;
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            closed = e is IOException;
        }
        var text = Encoding.UTF8.GetString(received.ToArray());
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = headEnd < 0 ? text : text[..headEnd];
        var body = headEnd < 0 ? "" : text[(headEnd + 4)..];
        var status = head.StartsWith("HTTP/1.", StringComparison.Ordinal) && head.Length >= 12 && int.TryParse(head.AsSpan(9, 3), out var code) ? code : 0;
        return new RawReply(status, head, body, closed);
    }

    private static bool IsComplete(byte[] received)
    {
        var text = Encoding.ASCII.GetString(received);
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0) return false;
        foreach (var line in text[..headEnd].Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                return received.Length - (headEnd + 4) >= int.Parse(line["Content-Length:".Length..].Trim());
        }
        return text.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
    }

    /// <summary>A POST /v1/messages head with the given extra header lines (each without CRLF).</summary>
    public static string PostHead(params string[] headers) =>
        "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + string.Concat(headers.Select(h => h + "\r\n")) + "\r\n";

    public static string Chunked(string body) => $"{Encoding.UTF8.GetByteCount(body):x}\r\n{body}\r\n0\r\n\r\n";
}
