using System.Buffers;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Sse;

namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>
/// One translated wire format (Chat Completions or the Responses API) as the gateway's one forwarder sees it:
/// where to post, how to build the request, how to read a JSON reply and how to relay a stream.
/// </summary>
public interface IMessagesTranslator
{
    /// <summary>The path appended to the provider's base URL: <c>/chat/completions</c> or <c>/responses</c>.</summary>
    string UpstreamPath { get; }

    /// <summary>Builds the upstream request; never throws — a request it cannot translate comes back with <see cref="TranslatedRequest.Error"/>.</summary>
    /// <param name="scanned">This body's scan, when the caller has made one (<see cref="MessagesRequestScanner.Scan"/>): it is not scanned again.</param>
    TranslatedRequest TranslateRequest(ReadOnlyMemory<byte> anthropicRequestBody, TranslationTarget target, ScannedRequest? scanned = null);

    /// <summary>Translates a non-streaming upstream reply into an Anthropic Message.</summary>
    /// <exception cref="ProxyFailureException">The body is not JSON or is an error object; its <c>Failure</c> is the answer to give.</exception>
    byte[] TranslateResponse(ReadOnlySpan<byte> upstreamJson, TranslatedRequest request, TranslationTarget target, out TokenUsage usage);

    IAnthropicStreamTranslator CreateStreamTranslator(TranslatedRequest request, TranslationTarget target);
}

/// <summary>
/// Turns one upstream SSE stream into Anthropic SSE events, fed event by event by the gateway's one relay loop.
/// Not thread-safe: one instance per response, fed in order.
/// </summary>
public interface IAnthropicStreamTranslator : IRelayedStream
{
    /// <summary>Handles one upstream SSE event's data (the bytes after <c>data: </c>).</summary>
    void OnData(ReadOnlySpan<byte> data, IBufferWriter<byte> output);

    /// <summary>Events without data (comments, bare event names) carry nothing to translate.</summary>
    void IRelayedStream.OnEvent(ReadOnlySpan<byte> sseEvent, IBufferWriter<byte> output)
    {
        var fields = SseFields.Parse(sseEvent);
        if (fields.DataOffset >= 0) OnData(fields.Data, output);
    }
}
