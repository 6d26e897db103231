using ClaudeModelProxy.Core.Providers;

namespace ClaudeModelProxy.Core.Configuration;

/// <summary>The environment variables the proxy reads.</summary>
public static class SettingNames
{
    public const string BaseUrl = "BASE_URL";
    public const string Port = "PORT";
    public const string RewriteResponses = "REWRITE_RESPONSES";
    public const string AdvancedEnv = "ADVANCED_ENV";
    public const string ModelMap = "MODEL_MAP";
    public const string ModelAliases = "MODEL_ALIASES";
    public const string ModelRoutes = "MODEL_ROUTES";
    public const string UpstreamHeadersTimeoutSeconds = "UPSTREAM_HEADERS_TIMEOUT_SECONDS";
    public const string StreamPingSeconds = "STREAM_PING_SECONDS";
    public const string StreamIdleTimeoutSeconds = "STREAM_IDLE_TIMEOUT_SECONDS";
    public const string UpstreamRetries = "UPSTREAM_RETRIES";
    public const string ModelFallbacks = "MODEL_FALLBACKS";
    public const string ProxyAuthToken = "PROXY_AUTH_TOKEN";
    public const string BindAddress = "BIND_ADDRESS";
    public const string PortRetrySeconds = "PORT_RETRY_SECONDS";
    public const string ClaudeModelMap = "CLAUDE_MODEL_MAP";
    public const string ModelTiers = "MODEL_TIERS";
    public const string RequestClassMap = "REQUEST_CLASS_MAP";
    public const string OpenAiWireApi = "OPENAI_WIRE_API";
    public const string MaxConnections = "MAX_CONNECTIONS";
    public const string MaxUpstreamRequestsPerProvider = "MAX_UPSTREAM_REQUESTS_PER_PROVIDER";
    public const string ShutdownGraceSeconds = "SHUTDOWN_GRACE_SECONDS";

    /// <summary>Every variable the proxy understands, for validating ADVANCED_ENV.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(
        new[] { BaseUrl, Port, RewriteResponses, ModelMap, ModelAliases, ModelRoutes, UpstreamHeadersTimeoutSeconds, StreamPingSeconds, StreamIdleTimeoutSeconds, UpstreamRetries, ModelFallbacks, ProxyAuthToken, BindAddress, PortRetrySeconds, ClaudeModelMap, ModelTiers, RequestClassMap, OpenAiWireApi, MaxConnections, MaxUpstreamRequestsPerProvider, ShutdownGraceSeconds }
            .Concat(ProviderCatalog.All.SelectMany(p => p.KeyVariables.Append(p.BaseUrlVariable))),
        StringComparer.Ordinal);
}
