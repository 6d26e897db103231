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

    public SecretRedactor Secrets { get; } = new(settings.Providers.Select(p => p.ApiKey));

    public ILogger Logger { get; } = logger;

    /// <summary>Requests in flight per provider, capped by MAX_UPSTREAM_REQUESTS_PER_PROVIDER.</summary>
    public UpstreamSlots UpstreamSlots { get; } = new(settings.Limits.MaxUpstreamRequestsPerProvider);

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    private readonly CancellationTokenSource graceOver = new();

    /// <summary>Fires once a stop has waited SHUTDOWN_GRACE_SECONDS: streams still running end with an error event.</summary>
    public CancellationToken GraceOver => graceOver.Token;

    /// <summary>Starts the grace period of a stop.</summary>
    public void BeginStop() => graceOver.CancelAfter(Settings.Limits.ShutdownGrace);

    public void Dispose()
    {
        Upstreams.Dispose();
        graceOver.Dispose();
    }
}
