using System.Buffers;
using ClaudeModelProxy.Core.Anthropic;

namespace ClaudeModelProxy.Core.Sse;

/// <summary>
/// What the gateway's one SSE relay loop drives for one wire format: it hands over each complete upstream event
/// and the end of the body, and relays what is written to <c>output</c>. Not thread-safe: one per response, fed in order.
/// </summary>
public interface IRelayedStream
{
    /// <summary>Handles one complete upstream SSE event (its blank line included), writing what the client receives.</summary>
    void OnEvent(ReadOnlySpan<byte> sseEvent, IBufferWriter<byte> output);

    /// <summary>Handles the end of the upstream body; <paramref name="connectionBroken"/> when reading it failed.</summary>
    void OnEnd(IBufferWriter<byte> output, bool connectionBroken);

    /// <summary>The usage reported so far, in Anthropic's meaning (final once the stream has ended).</summary>
    TokenUsage Usage { get; }

    /// <summary>Set when the stream ended with an <c>error</c> event: what that event told the client.</summary>
    ProxyFailure? Failure { get; }
}
