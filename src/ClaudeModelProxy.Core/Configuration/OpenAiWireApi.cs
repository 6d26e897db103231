using ClaudeModelProxy.Core.Providers;

namespace ClaudeModelProxy.Core.Configuration;

/// <summary>Which OpenAI API the OpenAI provider is spoken to with (<c>OPENAI_WIRE_API</c>).</summary>
public enum OpenAiWireApi
{
    /// <summary><c>POST {base}/responses</c>: GPT-5.x reasons while it uses tools; the Codex models exist only here.</summary>
    Responses,

    /// <summary><c>POST {base}/chat/completions</c>: for OpenAI-compatible servers without <c>/responses</c>.</summary>
    Chat,
}

/// <summary>Which wire a translated route speaks. Gemini and Qwen always use Chat Completions.</summary>
public static class UpstreamWire
{
    public const string Anthropic = "anthropic";
    public const string OpenAiChat = "openai-chat";
    public const string OpenAiResponses = "openai-responses";

    /// <summary>
    /// Whether a request for <paramref name="upstreamModel"/> at <paramref name="provider"/> goes to <c>/responses</c>:
    /// the OpenAI provider with <c>OPENAI_WIRE_API=responses</c> (the default), and any Codex model routed to OpenAI
    /// whatever the setting, since those answer 404 on Chat Completions.
    /// </summary>
    public static bool UsesResponsesApi(ProxySettings settings, ProviderSettings provider, string upstreamModel) =>
        provider.Definition.ServesResponsesApi
        && (settings.OpenAiWireApi == OpenAiWireApi.Responses || IsResponsesOnlyModel(upstreamModel));

    /// <summary><c>gpt-5-codex</c>, <c>gpt-5.1-codex-max</c>, <c>openai/gpt-5.3-codex</c>…: models only the Responses API serves.</summary>
    public static bool IsResponsesOnlyModel(string model)
    {
        var name = model.Trim().ToLowerInvariant();
        var slash = name.LastIndexOf('/');
        if (slash >= 0) name = name[(slash + 1)..];
        return name.Contains("codex", StringComparison.Ordinal);
    }

    /// <summary>The provider's wire as status output names it: <c>anthropic</c>, <c>openai-responses</c> or <c>openai-chat</c>.</summary>
    public static string Describe(ProxySettings settings, ProviderSettings provider) =>
        provider.Definition.Format == WireFormat.AnthropicMessages ? Anthropic
        : provider.Definition.ServesResponsesApi && settings.OpenAiWireApi == OpenAiWireApi.Responses ? OpenAiResponses
        : OpenAiChat;

    /// <summary>The wire one upstream model is spoken to with.</summary>
    public static string Describe(ProxySettings settings, ProviderSettings provider, string upstreamModel) =>
        provider.Definition.Format == WireFormat.AnthropicMessages ? Anthropic
        : UsesResponsesApi(settings, provider, upstreamModel) ? OpenAiResponses
        : OpenAiChat;
}
