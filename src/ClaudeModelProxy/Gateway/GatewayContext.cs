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

    /// <summary>Requests in flight per provider, capped by MAX_UPSTREAM_REQUESTS_PER_PROVIDER; shared by every settings generation while the cap stays the same.</summary>
    public UpstreamSlots UpstreamSlots { get; private init; } = new(settings.Limits.MaxUpstreamRequestsPerProvider);

    public DateTimeOffset StartedAt { get; private init; } = DateTimeOffset.UtcNow;

    /// <summary>The next generation: new settings, routes, clients and redactor; the same counters, caches, stop signal and start time.</summary>
    public GatewayContext WithSettings(ProxySettings next) => new(next, Counters, Logger)
    {
        ToolIds = ToolIds,
        Translator = Translator,
        StartedAt = StartedAt,
        Stop = Stop,
        UpstreamSlots = next.Limits.MaxUpstreamRequestsPerProvider == Settings.Limits.MaxUpstreamRequestsPerProvider ? UpstreamSlots : new(next.Limits.MaxUpstreamRequestsPerProvider),
    };

    /// <summary>
    /// Cancelled once a stop has waited SHUTDOWN_GRACE_SECONDS. One for the whole process, shared by every settings
    /// generation so that requests still running on an older one get it too; it lives as long as the process, so it is never disposed.
    /// </summary>
    private CancellationTokenSource Stop { get; init; } = new();

    /// <summary>Fires once a stop has waited SHUTDOWN_GRACE_SECONDS: streams still running end with an error event.</summary>
    public CancellationToken GraceOver => Stop.Token;

    /// <summary>Starts the grace period of a stop.</summary>
    public void BeginStop() => Stop.CancelAfter(Settings.Limits.ShutdownGrace);

    public void Dispose() => Upstreams.Dispose();
}
