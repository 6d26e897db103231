using ClaudeModelProxy.Core.Anthropic;

namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>
/// Translates between the Anthropic Messages API and OpenAI Chat Completions for OpenAI, Gemini, Qwen and other
/// OpenAI-compatible upstreams. Stateless and thread-safe: what a later turn needs (Gemini's thought signatures)
/// rides in the reply the client keeps, and shortened tool names are derived again from each request's own tools.
/// </summary>
public sealed class ChatCompletionsTranslator : IMessagesTranslator
{
    public string UpstreamPath => "/chat/completions";

    /// <summary>Builds the Chat Completions request; never throws — a request it cannot translate comes back with <see cref="TranslatedRequest.Error"/>.</summary>
    public TranslatedRequest TranslateRequest(ReadOnlySpan<byte> anthropicRequestBody, TranslationTarget target) =>
        new RequestTranslation(target, target.Provider.Quirks).Translate(anthropicRequestBody);

    /// <inheritdoc cref="TranslateRequest(ReadOnlySpan{byte}, TranslationTarget)"/>
    /// <remarks>Parses the body in place: the gateway's path for large requests.</remarks>
    public TranslatedRequest TranslateRequest(ReadOnlyMemory<byte> anthropicRequestBody, TranslationTarget target, ScannedRequest? scanned = null) =>
        new RequestTranslation(target, target.Provider.Quirks).Translate(anthropicRequestBody, scanned);

    /// <summary>Translates a non-streaming chat completion into an Anthropic Message.</summary>
    /// <exception cref="ProxyFailureException">The body is not JSON or is an error object; its <c>Failure</c> is the answer to give.</exception>
    public byte[] TranslateResponse(ReadOnlySpan<byte> chatCompletionJson, TranslatedRequest request, TranslationTarget target, out TokenUsage usage) =>
        ResponseTranslation.Translate(chatCompletionJson, request, target, out usage);

    public ChatStreamTranslator CreateStreamTranslator(TranslatedRequest request, TranslationTarget target) =>
        new(request, target);

    IAnthropicStreamTranslator IMessagesTranslator.CreateStreamTranslator(TranslatedRequest request, TranslationTarget target) =>
        CreateStreamTranslator(request, target);

    /// <summary>
    /// An upstream HTTP error as an Anthropic error: 502/503 → 529 overloaded_error, 429 → rate_limit_error, and so on (§3.5);
    /// context-window errors become 400 <c>prompt is too long: M tokens &gt; N maximum</c> (§0.5). Accepts OpenAI error objects,
    /// Gemini's array-shaped bodies and plain text.
    /// </summary>
    public static ProxyFailure TranslateError(int upstreamStatus, ReadOnlySpan<byte> upstreamBody, string providerDisplayName) =>
        ErrorTranslation.FromHttp(upstreamStatus, upstreamBody, providerDisplayName);
}
