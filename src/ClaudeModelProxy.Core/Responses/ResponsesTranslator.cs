using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Core.Responses;

/// <summary>
/// Translates between the Anthropic Messages API and the OpenAI Responses API (<c>POST {base}/responses</c>), the
/// route on which GPT-5.x keeps reasoning while it uses tools and the only one the Codex models answer on.
/// Stateless and thread-safe. Reasoning state is not kept here: it rides in the conversation, in the
/// signatures of the thinking blocks this translator emits (<see cref="ReasoningSignature"/>).
/// </summary>
public sealed class ResponsesTranslator : IMessagesTranslator
{
    public string UpstreamPath => "/responses";

    public TranslatedRequest TranslateRequest(ReadOnlyMemory<byte> anthropicRequestBody, TranslationTarget target, ScannedRequest? scanned = null)
    {
        var translation = new RequestTranslation(target, target.Provider.Quirks);
        return translation.Translate(anthropicRequestBody, (root, draft) =>
        {
            using var output = new PooledBufferWriter(anthropicRequestBody.Length + anthropicRequestBody.Length / 8);
            using (var writer = new Utf8JsonWriter(output, ReplyHelpers.WriterOptions)) ResponsesRequestWriter.Write(writer, draft, target);
            var (buffer, written) = output.Detach();
            return new TranslatedRequest
            {
                Body = written,
                RentedBuffer = buffer,
                Stream = draft.Stream,
                ToolNameRestores = translation.NameRestores,
                Quirks = target.Provider.Quirks,
                StopSequences = StopSequences(root),
            };
        }, scanned);
    }

    /// <inheritdoc cref="TranslateRequest(ReadOnlyMemory{byte}, TranslationTarget, ScannedRequest)"/>
    public TranslatedRequest TranslateRequest(ReadOnlySpan<byte> anthropicRequestBody, TranslationTarget target) =>
        TranslateRequest(new ReadOnlyMemory<byte>(anthropicRequestBody.ToArray()), target);

    public byte[] TranslateResponse(ReadOnlySpan<byte> upstreamJson, TranslatedRequest request, TranslationTarget target, out TokenUsage usage) =>
        ResponsesReplyTranslation.Translate(upstreamJson, request, target, out usage);

    public IAnthropicStreamTranslator CreateStreamTranslator(TranslatedRequest request, TranslationTarget target) =>
        new ResponsesStreamTranslator(request, target);

    /// <summary>Every stop sequence (the gateway applies them itself, so OpenAI's limit of four does not apply).</summary>
    private static List<string> StopSequences(JsonElement root)
    {
        var stop = new List<string>();
        foreach (var item in root.Array("stop_sequences")?.EnumerateArray() ?? default)
            if (item.ValueKind == JsonValueKind.String && item.Text() is { Length: > 0 } s) stop.Add(s);
        return stop;
    }
}
