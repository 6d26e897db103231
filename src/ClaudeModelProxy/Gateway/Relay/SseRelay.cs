using System.Buffers;
using System.IO.Pipelines;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Sse;
using ClaudeModelProxy.Gateway.Failures;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Gateway.Relay;

/// <summary>
/// The one SSE relay loop, for every wire format: reads the upstream body through <see cref="UpstreamEventReader"/>
/// (flush before waiting, pings on silence, the idle limit, the event cap, the stop's grace), hands each complete event
/// to the route's <see cref="IRelayedStream"/>, removes any echoed key from what goes out, and ends a stream that
/// breaks, goes silent or is refused with an SSE <c>error</c> event. Nothing is held beyond one incomplete event.
/// </summary>
public static class SseRelay
{
    /// <param name="stream">A struct for pass-through (no allocation), a translator otherwise.</param>
    public static async Task<ForwardOutcome> RelayAsync<TStream>(HttpContext http, Stream upstream, TStream stream, GatewayContext gateway, string providerName)
        where TStream : IRelayedStream
    {
        var client = http.Response;
        var clientAborted = http.RequestAborted;
        using var events = new UpstreamEventReader(upstream, client, gateway.Settings, gateway.GraceOver);
        try
        {
            while (!(await events.ReadAsync(clientAborted)).IsEmpty)
                while (events.TryReadEvent(out var sseEvent)) Relay(ref stream, sseEvent.Span, client.BodyWriter, gateway.Secrets);
        }
        catch (TimeoutException)
        {
            return await FailureResponse.SendAsync(http, GatewayFailures.StreamIdle(providerName, gateway.Settings.StreamIdleTimeout), null, stream.Usage);
        }
        catch (ProxyFailureException e)
        {
            return await FailureResponse.SendAsync(http, e.Failure, gateway.Secrets, stream.Usage);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !clientAborted.IsCancellationRequested)
        {
            stream.OnEnd(client.BodyWriter, connectionBroken: true);
            await client.BodyWriter.FlushAsync(clientAborted);
            return new ForwardOutcome(client.StatusCode, stream.Usage, stream.Failure ?? GatewayFailures.StreamBroke(providerName));
        }
        if (!events.Remainder.IsEmpty)
        {
            // A last event without its blank line: complete it so that the client can parse it.
            var missing = events.Remainder.Span[^1] == '\n' ? "\n"u8 : "\n\n"u8;
            Relay(ref stream, [.. events.Remainder.Span, .. missing], client.BodyWriter, gateway.Secrets);
        }
        stream.OnEnd(client.BodyWriter, connectionBroken: false);
        // Not flushed here: the server sends the rest with the response's final chunk.
        return new ForwardOutcome(client.StatusCode, stream.Usage, stream.Failure);
    }

    /// <summary>
    /// One event through the route's handler. An event that carries a key (an upstream echoing it in an error, say)
    /// is staged and redacted; every other event is written straight out, without a copy.
    /// </summary>
    private static void Relay<TStream>(ref TStream stream, ReadOnlySpan<byte> sseEvent, PipeWriter client, SecretRedactor secrets)
        where TStream : IRelayedStream
    {
        if (!secrets.Contains(sseEvent))
        {
            stream.OnEvent(sseEvent, client);
            return;
        }
        var staged = new ArrayBufferWriter<byte>(sseEvent.Length + 256);
        stream.OnEvent(sseEvent, staged);
        client.Write(secrets.Redact(staged.WrittenSpan.ToArray()));
    }
}
