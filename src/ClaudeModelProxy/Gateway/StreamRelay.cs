using System.Buffers;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Sse;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// Relays an upstream Anthropic SSE stream event by event: each complete event is rewritten
/// (model, tool ids) and sent as soon as the upstream has nothing more ready (events that arrived
/// together leave together, headers and the final chunk included); while the upstream is silent,
/// <c>ping</c> events keep the client's idle watchdog quiet. Nothing is held beyond one incomplete event.
/// </summary>
public static class StreamRelay
{
    private static readonly byte[] PingEvent = "event: ping\ndata: {\"type\":\"ping\"}\n\n"u8.ToArray();

    /// <summary>
    /// While the upstream's bytes keep arriving without a wait, the relayed events are still sent
    /// at least this often: a slow client then slows the upstream read instead of growing a buffer.
    /// </summary>
    public const int FlushAtLeastEveryBytes = 64 * 1024;

    public static async Task<ForwardOutcome> RelayAsync(
        Stream upstream, HttpResponse client, string? responseModel, GatewayContext gateway, string providerName, CancellationToken clientAborted)
    {
        var usage = new TokenUsage();
        using var splitter = new SseEventSplitter();
        var readBuffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var sawFinalEvent = false;
        var readSinceFlush = 0;
        using var silence = new SilenceClock(gateway.Settings);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await ReadWithPingsAsync(upstream, readBuffer, client, silence, clientAborted);
                }
                catch (TimeoutException)
                {
                    return await EndIdleStreamAsync(client, gateway, providerName, usage, clientAborted);
                }
                catch (Exception e) when (e is IOException or HttpRequestException && !clientAborted.IsCancellationRequested)
                {
                    await WriteAsync(client, AnthropicError.SseEvent(AnthropicError.Api, $"The connection to {providerName} broke in the middle of the reply."), clientAborted);
                    return new ForwardOutcome(200, usage, $"{providerName} stream broke");
                }
                if (read == 0) break;
                var bytes = readBuffer.AsSpan(0, read);
                if (responseModel is null) client.BodyWriter.Write(bytes); // REWRITE_RESPONSES=false: untouched, as it came
                splitter.Append(bytes);
                while (splitter.TryReadEvent(out var sseEvent)) sawFinalEvent |= RelayEvent(sseEvent.Span, client, responseModel, gateway, ref usage);
                readSinceFlush = await FlushEveryFewAsync(client, readSinceFlush + read, clientAborted);
            }
            if (!splitter.Remainder.IsEmpty)
            {
                // A last event without its blank line: complete it so that the client can parse it.
                var missing = splitter.Remainder.Span[^1] == '\n' ? "\n"u8 : "\n\n"u8;
                byte[] last = [.. splitter.Remainder.Span, .. missing];
                if (responseModel is null) client.BodyWriter.Write(missing);
                sawFinalEvent |= RelayEvent(last, client, responseModel, gateway, ref usage);
            }
            if (!sawFinalEvent)
            {
                await WriteAsync(client, AnthropicError.SseEvent(AnthropicError.Api, $"{providerName} ended the stream before it was complete."), clientAborted);
                return new ForwardOutcome(200, usage, $"{providerName} stream ended early");
            }
            // Not flushed here: the server sends the rest with the response's final chunk.
            return new ForwardOutcome(200, usage, null);
        }
        finally
        {
            // A read abandoned mid-flight may still write into the buffer: let the GC have that one.
            if (!silence.ReadAbandoned) ArrayPool<byte>.Shared.Return(readBuffer);
        }
    }

    /// <summary>
    /// Writes one complete event (rewritten unless rewriting is off, in which case the bytes were
    /// already written) and says whether it ends the stream. Error events lose any echoed key.
    /// </summary>
    private static bool RelayEvent(ReadOnlySpan<byte> sseEvent, HttpResponse client, string? responseModel, GatewayContext gateway, ref TokenUsage usage)
    {
        var fields = SseFields.Parse(sseEvent);
        var name = fields.EventName;
        var isError = name.SequenceEqual("error"u8);
        if (responseModel is not null)
        {
            var edits = StreamEventRewriter.Rewrite(fields, responseModel, gateway.ToolIds, ref usage);
            var output = edits is null ? sseEvent : ByteEdits.Apply(sseEvent, edits);
            client.BodyWriter.Write(isError && gateway.Secrets.Contains(output) ? gateway.Secrets.Redact(output.ToArray()) : output);
        }
        return isError || name.SequenceEqual("message_stop"u8);
    }

    /// <summary>Flushes once <see cref="FlushAtLeastEveryBytes"/> have been read since the last time; returns the new count.</summary>
    public static async ValueTask<int> FlushEveryFewAsync(HttpResponse client, int readSinceFlush, CancellationToken clientAborted)
    {
        if (readSinceFlush < FlushAtLeastEveryBytes) return readSinceFlush;
        await client.BodyWriter.FlushAsync(clientAborted);
        return 0;
    }

    /// <summary>Ends a stream whose upstream stayed silent past STREAM_IDLE_TIMEOUT_SECONDS with an SSE error event.</summary>
    public static async Task<ForwardOutcome> EndIdleStreamAsync(HttpResponse client, GatewayContext gateway, string providerName, TokenUsage usage, CancellationToken clientAborted)
    {
        var message = $"{providerName} sent nothing for {gateway.Settings.StreamIdleTimeout.TotalSeconds:0} s (STREAM_IDLE_TIMEOUT_SECONDS); the stream was ended.";
        await WriteAsync(client, AnthropicError.SseEvent(AnthropicError.Timeout, message), clientAborted);
        return new ForwardOutcome(200, usage, message);
    }

    /// <summary>
    /// Reads from the upstream. When that has to wait, what was written to the client so far is
    /// sent first, and a ping is written each time the upstream stays silent for a whole ping interval.
    /// </summary>
    /// <exception cref="TimeoutException">The upstream stayed silent for the whole idle limit.</exception>
    public static async Task<int> ReadWithPingsAsync(Stream upstream, byte[] buffer, HttpResponse client, SilenceClock silence, CancellationToken clientAborted)
    {
        var read = upstream.ReadAsync(buffer, clientAborted);
        if (!read.IsCompleted)
        {
            var readTask = read.AsTask();
            try
            {
                await client.BodyWriter.FlushAsync(clientAborted);
                while (await Task.WhenAny(readTask, silence.NextTick()) != readTask)
                {
                    clientAborted.ThrowIfCancellationRequested();
                    if (silence.IdleLimitReached) throw new TimeoutException();
                    if (silence.TakePingDue()) await WriteAsync(client, PingEvent, clientAborted);
                }
            }
            catch when (!readTask.IsCompleted)
            {
                silence.ReadAbandoned = true;
                _ = readTask.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default); // observed; the upstream is abandoned
                throw;
            }
            read = new ValueTask<int>(readTask);
        }
        var count = await read;
        silence.MarkData();
        return count;
    }

    private static async Task WriteAsync(HttpResponse client, byte[] bytes, CancellationToken cancellation)
    {
        client.BodyWriter.Write(bytes);
        await client.BodyWriter.FlushAsync(cancellation);
    }
}
