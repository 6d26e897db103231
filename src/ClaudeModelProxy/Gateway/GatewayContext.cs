using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Routing;
using ClaudeModelProxy.Status;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// Everything a request handler needs, built once per settings generation: a reload builds a new one
/// (<see cref="WithSettings"/>) that keeps the counters, the conversation caches and the start time.
/// </summary>
public sealed class GatewayContext(ProxySettings settings, ProxyCounters counters, ILogger logger) : IDisposable
{
    public ProxySettings Settings { get; } = settings;

    public ModelRouter Router { get; } = new(settings);

    public ProxyCounters Counters { get; } = counters;

    public RequestClassCounters RequestClasses => Counters.RequestClasses;

    public UpstreamClients Upstreams { get; } = new(settings);

    public ToolIdSanitizer ToolIds { get; private init; } = new();

    /// <summary>Chat Completions translation, with its caches (Gemini thought signatures, shortened tool names).</summary>
    public Core.OpenAi.ChatCompletionsTranslator Translator { get; private init; } = new();

    /// <summary>Responses API translation (OpenAI by default; Codex models always).</summary>
    public Core.Responses.ResponsesTranslator ResponsesTranslator { get; } = new();

    /// <summary>The wire a translated route speaks: Responses for OpenAI unless OPENAI_WIRE_API=chat, else Chat Completions.</summary>
    public Core.OpenAi.IMessagesTranslator TranslatorFor(ModelRoute route) =>
        UpstreamWire.UsesResponsesApi(Settings, route.Provider, route.UpstreamModel) ? ResponsesTranslator : Translator;

    public SecretRedactor Secrets { get; } = new(settings.Providers.Select(p => p.ApiKey));

    public ILogger Logger { get; } = logger;

    public DateTimeOffset StartedAt { get; private init; } = DateTimeOffset.UtcNow;

    /// <summary>The next generation: new settings, routes, clients and redactor; the same counters, caches and start time.</summary>
    public GatewayContext WithSettings(ProxySettings next) =>
        new(next, Counters, Logger) { ToolIds = ToolIds, Translator = Translator, StartedAt = StartedAt };

    public void Dispose() => Upstreams.Dispose();
}
