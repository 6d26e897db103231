using System.Buffers;
using System.Text;
using ClaudeModelProxy.Core.Anthropic;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// Caps open client connections (MAX_CONNECTIONS). One over the cap is answered at once with a 529
/// overloaded_error and closed, instead of being queued or dropped without a word, so that the SDKs'
/// retry logic (which honours 529) takes over.
/// </summary>
public sealed class ConnectionLimiter(int maxConnections, ILogger logger)
{
    private static readonly byte[] OverloadedReply = BuildReply();

    private int open;

    /// <summary>Connections open now.</summary>
    public int Open => Volatile.Read(ref open);

    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        if (Interlocked.Increment(ref open) > maxConnections)
        {
            try
            {
                logger.LogWarning("Refused a connection: {Max} are open (MAX_CONNECTIONS)", maxConnections);
                await RefuseAsync(connection);
            }
            finally
            {
                Interlocked.Decrement(ref open);
            }
            return;
        }
        try
        {
            await next(connection);
        }
        finally
        {
            Interlocked.Decrement(ref open);
        }
    };

    /// <summary>Lets the request head arrive (briefly) so that closing does not reset the reply away, then answers.</summary>
    private static async Task RefuseAsync(ConnectionContext connection)
    {
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            try
            {
                var read = await connection.Transport.Input.ReadAsync(wait.Token);
                connection.Transport.Input.AdvanceTo(read.Buffer.End);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionResetException)
            {
            }
        }
        try
        {
            await connection.Transport.Output.WriteAsync(OverloadedReply);
            await connection.Transport.Output.CompleteAsync();
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or InvalidOperationException)
        {
        }
    }

    private static byte[] BuildReply()
    {
        var body = AnthropicError.Body(AnthropicError.Overloaded, "The gateway has as many connections open as MAX_CONNECTIONS allows; retry shortly.");
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 529 Overloaded\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nretry-after: 1\r\nx-should-retry: true\r\nConnection: close\r\n\r\n");
        return [.. head, .. body];
    }
}
