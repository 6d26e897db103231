using System.Buffers;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Conversation;
using ClaudeModelProxy.Core.Sse;
using ClaudeModelProxy.Gateway.Failures;

namespace ClaudeModelProxy.Gateway.Relay;

/// <summary>
/// The pass-through handler of the relay loop: each Anthropic event is rewritten in place (model, tool ids, signature
/// tags) unless REWRITE_RESPONSES is off, when it goes out as it came. A struct, so that relaying costs no allocation.
/// </summary>
/// <param name="responseModel">The model name the client sees; null when rewriting is off.</param>
/// <param name="signatureTag">The provider whose thinking signatures are tagged (see <see cref="PassThroughSignatures"/>), or null.</param>
public struct PassThroughStream(string? responseModel, ToolIdSanitizer toolIds, string? signatureTag, string providerName) : IRelayedStream
{
    private TokenUsage usage;
    private bool sawFinalEvent;

    public readonly TokenUsage Usage => usage;

    public ProxyFailure? Failure { get; private set; }

    public void OnEvent(ReadOnlySpan<byte> sseEvent, IBufferWriter<byte> output)
    {
        var fields = SseFields.Parse(sseEvent);
        var name = fields.EventName;
        sawFinalEvent |= name.SequenceEqual("error"u8) || name.SequenceEqual("message_stop"u8);
        if (responseModel is null)
        {
            output.Write(sseEvent);
            return;
        }
        var edits = StreamEventRewriter.Rewrite(fields, responseModel, toolIds, ref usage);
        // A signature_delta (or a thinking block started with its signature) from a provider other than Anthropic gets its provider tag.
        if (signatureTag is not null && fields.DataOffset >= 0 && PassThroughSignatures.WrapEdits(fields.Data, signatureTag) is { } tagEdits)
        {
            edits ??= [];
            foreach (var edit in tagEdits) edits.Add(edit with { Offset = edit.Offset + fields.DataOffset });
            edits.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        }
        output.Write(edits is null ? sseEvent : ByteEdits.Apply(sseEvent, edits));
    }

    public void OnEnd(IBufferWriter<byte> output, bool connectionBroken)
    {
        if (!connectionBroken && sawFinalEvent) return;
        var failure = connectionBroken ? GatewayFailures.StreamBroke(providerName) : GatewayFailures.StreamEndedEarly(providerName);
        output.Write(AnthropicError.SseEvent(failure.ErrorType, failure.Message));
        Failure = failure;
    }
}
