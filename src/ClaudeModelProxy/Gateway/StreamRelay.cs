using System.Buffers;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Conversation;
using ClaudeModelProxy.Core.Sse;
using ClaudeModelProxy.Gateway.Failures;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// Relays an upstream Anthropic SSE stream event by event: each complete event is rewritten
/// (model, tool ids) and sent as <see cref="UpstreamEventReader"/> says. Nothing is held beyond one
/// incomplete event.
/// </summary>
public static class StreamRelay
{
    public static async Task<ForwardOutcome> RelayAsync(
        Stream upstream, HttpResponse client, string? responseModel, GatewayContext gateway, string providerName, CancellationToken clientAborted,
        string? signatureTag = null)
    {
        var usage = new TokenUsage();
        var sawFinalEvent = false;
        using var events = new UpstreamEventReader(upstream, client, gateway.Settings, gateway.GraceOver);
        while (true)
        {
            ReadOnlyMemory<byte> bytes;
            try
            {
                bytes = await events.ReadAsync(clientAborted);
            }
            catch (TimeoutException)
            {
                return await EndStreamAsync(client, GatewayFailures.StreamIdle(providerName, gateway.Settings.StreamIdleTimeout), usage, clientAborted);
            }
            catch (ProxyFailureException e)
            {
                return await EndStreamAsync(client, e.Failure, usage, clientAborted);
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !clientAborted.IsCancellationRequested)
            {
                return await EndStreamAsync(client, GatewayFailures.StreamBroke(providerName), usage, clientAborted);
            }
            if (bytes.IsEmpty) break;
            if (responseModel is null) client.BodyWriter.Write(bytes.Span); // REWRITE_RESPONSES=false: untouched, as it came
            while (events.TryReadEvent(out var sseEvent)) sawFinalEvent |= RelayEvent(sseEvent.Span, client, responseModel, gateway, signatureTag, ref usage);
        }
        if (!events.Remainder.IsEmpty)
        {
            // A last event without its blank line: complete it so that the client can parse it.
            var missing = events.Remainder.Span[^1] == '\n' ? "\n"u8 : "\n\n"u8;
            byte[] last = [.. events.Remainder.Span, .. missing];
            if (responseModel is null) client.BodyWriter.Write(missing);
            sawFinalEvent |= RelayEvent(last, client, responseModel, gateway, signatureTag, ref usage);
        }
        if (!sawFinalEvent) return await EndStreamAsync(client, GatewayFailures.StreamEndedEarly(providerName), usage, clientAborted);
        // Not flushed here: the server sends the rest with the response's final chunk.
        return new ForwardOutcome(200, usage, null);
    }

    /// <summary>
    /// Writes one complete event (rewritten unless rewriting is off, in which case the bytes were
    /// already written) and says whether it ends the stream. Error events lose any echoed key.
    /// </summary>
    private static bool RelayEvent(ReadOnlySpan<byte> sseEvent, HttpResponse client, string? responseModel, GatewayContext gateway, string? signatureTag, ref TokenUsage usage)
    {
        var fields = SseFields.Parse(sseEvent);
        var name = fields.EventName;
        var isError = name.SequenceEqual("error"u8);
        if (responseModel is not null)
        {
            var edits = StreamEventRewriter.Rewrite(fields, responseModel, gateway.ToolIds, ref usage);
            // A signature_delta (or a thinking block started with its signature) from a provider other than Anthropic gets its provider tag.
            if (signatureTag is not null && fields.DataOffset >= 0 && PassThroughSignatures.WrapEdits(fields.Data, signatureTag) is { } tagEdits)
            {
                edits ??= [];
                foreach (var edit in tagEdits) edits.Add(edit with { Offset = edit.Offset + fields.DataOffset });
                edits.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            }
            var output = edits is null ? sseEvent : ByteEdits.Apply(sseEvent, edits);
            client.BodyWriter.Write(isError && gateway.Secrets.Contains(output) ? gateway.Secrets.Redact(output.ToArray()) : output);
        }
        return isError || name.SequenceEqual("message_stop"u8);
    }

    /// <summary>Ends a stream early with an SSE error event: the upstream broke, went silent, or sent what the gateway will not relay, or the gateway is stopping.</summary>
    public static Task<ForwardOutcome> EndStreamAsync(HttpResponse client, ProxyFailure failure, TokenUsage usage, CancellationToken clientAborted) =>
        FailureResponse.SendAsync(client.HttpContext, failure, null, usage);
}
