using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Routing;
using ClaudeModelProxy.Status;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Gateway;

/// <summary>Everything a request handler needs, built once per gateway.</summary>
public sealed class GatewayContext(ProxySettings settings, ProxyCounters counters, ILogger logger) : IDisposable
{
    public ProxySettings Settings { get; } = settings;

    public ModelRouter Router { get; } = new(settings);

    public ProxyCounters Counters { get; } = counters;

    public RequestClassCounters RequestClasses => Counters.RequestClasses;

    public UpstreamClients Upstreams { get; } = new(settings);

    public ToolIdSanitizer ToolIds { get; } = new();

    /// <summary>Chat Completions translation, with its caches (Gemini thought signatures, shortened tool names).</summary>
    public Core.OpenAi.ChatCompletionsTranslator Translator { get; } = new();

    /// <summary>Responses API translation (OpenAI by default; Codex models always).</summary>
    public Core.Responses.ResponsesTranslator ResponsesTranslator { get; } = new();

    /// <summary>The wire a translated route speaks: Responses for OpenAI unless OPENAI_WIRE_API=chat, else Chat Completions.</summary>
    public Core.OpenAi.IMessagesTranslator TranslatorFor(ModelRoute route) =>
        UpstreamWire.UsesResponsesApi(Settings, route.Provider, route.UpstreamModel) ? ResponsesTranslator : Translator;

    public SecretRedactor Secrets { get; } = new(settings.Providers.Select(p => p.ApiKey));

    public ILogger Logger { get; } = logger;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public void Dispose() => Upstreams.Dispose();
}
