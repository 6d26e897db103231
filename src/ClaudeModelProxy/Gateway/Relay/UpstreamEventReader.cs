using System.Buffers;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Sse;
using ClaudeModelProxy.Gateway.Failures;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Gateway.Relay;

/// <summary>
/// Reads an upstream SSE body for a relay and hands out its complete events. What the relay wrote
/// to the client is sent whenever a read has to wait (events that arrived together leave together,
/// headers and the final chunk included) and at least every <see cref="FlushAtLeastEveryBytes"/>;
/// while the upstream is silent, <c>ping</c> events keep the client's idle watchdog quiet.
/// </summary>
/// <param name="graceOver">Fires when the gateway is stopping and its grace period has run out.</param>
public sealed class UpstreamEventReader(Stream upstream, HttpResponse client, ProxySettings settings, CancellationToken graceOver = default) : IDisposable
{
    /// <summary>While reads never have to wait, a slow client still slows the upstream read instead of growing a buffer.</summary>
    public const int FlushAtLeastEveryBytes = 64 * 1024;

    private static readonly byte[] PingEvent = "event: ping\ndata: {\"type\":\"ping\"}\n\n"u8.ToArray();

    private readonly SseEventSplitter splitter = new();
    private readonly SilenceClock silence = new(settings);
    private readonly byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int readSinceFlush;
    // Registered on the gateway-wide token once a read has to wait, and unregistered on Dispose (a Task.Delay on it would stay registered until the stop).
    private TaskCompletionSource? graceOverSignal;
    private CancellationTokenRegistration graceOverRegistration;

    /// <summary>A read was left running into the buffer; that buffer must not go back to the pool.</summary>
    private bool readAbandoned;

    /// <summary>Bytes received that do not yet form a complete event.</summary>
    public ReadOnlyMemory<byte> Remainder => splitter.Remainder;

    /// <summary>The next complete event, valid until the next read.</summary>
    public bool TryReadEvent(out ReadOnlyMemory<byte> sseEvent) => splitter.TryReadEvent(out sseEvent);

    /// <summary>Reads the next bytes (empty at the end of the body), valid until the next read.</summary>
    /// <exception cref="TimeoutException">The upstream stayed silent for the whole idle limit.</exception>
    /// <exception cref="ProxyFailureException">One event grew past the cap without ending, or the gateway is stopping and its grace period ran out.</exception>
    public async Task<ReadOnlyMemory<byte>> ReadAsync(CancellationToken clientAborted)
    {
        if (graceOver.IsCancellationRequested) throw GatewayFailures.StreamOutlivedStop(settings.Limits.ShutdownGrace);
        // The relay has taken every complete event: what is left is one unfinished event.
        if (splitter.Remainder.Length > GatewayLimits.MaxUpstreamReplyBytes)
            throw GatewayFailures.TooLarge("One event of the provider's stream");
        if (readSinceFlush >= FlushAtLeastEveryBytes) await FlushAsync(clientAborted);
        var read = upstream.ReadAsync(buffer, clientAborted);
        if (!read.IsCompleted)
        {
            var readTask = read.AsTask();
            try
            {
                await FlushAsync(clientAborted);
                if (graceOverSignal is null && graceOver.CanBeCanceled)
                {
                    graceOverSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    graceOverRegistration = graceOver.Register(static signal => ((TaskCompletionSource)signal!).TrySetResult(), graceOverSignal);
                }
                while (await (graceOverSignal is null ? Task.WhenAny(readTask, silence.NextTick()) : Task.WhenAny(readTask, silence.NextTick(), graceOverSignal.Task)) != readTask)
                {
                    clientAborted.ThrowIfCancellationRequested();
                    if (graceOver.IsCancellationRequested) throw GatewayFailures.StreamOutlivedStop(settings.Limits.ShutdownGrace);
                    if (silence.IdleLimitReached) throw new TimeoutException();
                    if (silence.TakePingDue())
                    {
                        client.BodyWriter.Write(PingEvent);
                        await FlushAsync(clientAborted);
                    }
                }
            }
            catch when (!readTask.IsCompleted)
            {
                readAbandoned = true;
                _ = readTask.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default); // observed; the upstream is abandoned
                throw;
            }
            read = new ValueTask<int>(readTask);
        }
        var count = await read;
        silence.MarkData();
        readSinceFlush += count;
        splitter.Append(buffer.AsSpan(0, count));
        return buffer.AsMemory(0, count);
    }

    private async Task FlushAsync(CancellationToken clientAborted)
    {
        readSinceFlush = 0;
        await client.BodyWriter.FlushAsync(clientAborted);
    }

    public void Dispose()
    {
        graceOverRegistration.Dispose();
        silence.Dispose();
        splitter.Dispose();
        // A read abandoned mid-flight may still write into the buffer: let the GC have that one.
        if (!readAbandoned) ArrayPool<byte>.Shared.Return(buffer);
    }
}
