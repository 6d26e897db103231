using System.Net;
using ClaudeModelProxy.Core.Providers;

namespace ClaudeModelProxy.Core.Configuration;

/// <summary>
/// Every setting the proxy reads, declared once: name, aliases, default, parser, description, whether the install
/// form shows it and when a change takes effect. The loader reads from these rows; tests check the README table,
/// <c>.env.example</c> and <c>manifest.json</c> against them. Provider keys and base URLs come from
/// <see cref="ProviderCatalog"/>. A new plain setting is one <see cref="Setting{T}"/> row here (listed in
/// <see cref="All"/>) and its lines in the README table and <c>.env.example</c>, which the tests demand: the loader
/// reads every row into <see cref="ProxySettings.Values"/>, and consumers read it with
/// <c>settings.Get(SettingTable.TheRow)</c>. (The older rows also have typed <see cref="ProxySettings"/> properties
/// over the same values; a new row needs none.)
/// </summary>
public static class SettingTable
{
    public static readonly Setting<int> Port = new("PORT", 8787, SettingParsers.Port, "the local port (the gateway always listens on 127.0.0.1)")
    {
        InInstallForm = true,
        TakesEffect = SettingTakesEffect.OnRestart,
        MovesTheListener = true,
    };

    public static readonly Setting<string> BaseUrl = new("BASE_URL", LocalUrl(Port.Default), SettingParsers.Url, "the gateway URL you give Claude Desktop")
    {
        InInstallForm = true,
        // Following the port also keeps it with the running port when a reload asks for a restart.
        DefaultFollowing = FollowingDefault.Of(Port, LocalUrl),
    };

    public static readonly Setting<bool> RewriteResponses = new("REWRITE_RESPONSES", true, SettingParsers.Boolean, "false relays upstream replies untouched (model names included)");

    public static readonly Setting<TimeSpan> UpstreamHeadersTimeout = new("UPSTREAM_HEADERS_TIMEOUT_SECONDS", TimeSpan.FromMinutes(10), SettingParsers.Seconds,
        "how long an upstream may take to start answering before the client gets a 504");

    public static readonly Setting<TimeSpan> StreamPingInterval = new("STREAM_PING_SECONDS", TimeSpan.FromSeconds(15), SettingParsers.Seconds,
        "a ping event is sent when a stream has been silent this long");

    public static readonly Setting<TimeSpan> StreamIdleTimeout = new("STREAM_IDLE_TIMEOUT_SECONDS", TimeSpan.FromMinutes(10), SettingParsers.Seconds,
        "a stream silent this long is ended with an SSE error event");

    public static readonly Setting<int> UpstreamRetries = new("UPSTREAM_RETRIES", 2, SettingParsers.Count(0, 10),
        "retries of a connect failure, 429, 503 or 529 that happen before the client has seen a byte (jittered backoff, Retry-After honoured up to 20 s)");

    public static readonly Setting ModelFallbacks = new("MODEL_FALLBACKS", "alias → alias tried when retries are exhausted, e.g. claude-glm-5.1=claude-deepseek-v4-pro (the reply keeps the requested alias; the x-claude-model-proxy-fallback header, the log and the counters say what happened)");

    public static readonly Setting<string?> ProxyAuthToken = new("PROXY_AUTH_TOKEN", null, SettingParsers.Text,
        "when set, every request must present it as Authorization: Bearer or x-api-key (set Claude's gateway API key to it)");

    public static readonly Setting<IPAddress> BindAddress = new("BIND_ADDRESS", IPAddress.Loopback, SettingParsers.BindAddress,
        "listen elsewhere (e.g. 0.0.0.0); refused unless PROXY_AUTH_TOKEN is set")
    {
        TakesEffect = SettingTakesEffect.OnRestart,
        MovesTheListener = true,
    };

    public static readonly Setting<TimeSpan> PortRetryInterval = new("PORT_RETRY_SECONDS", TimeSpan.FromSeconds(2), SettingParsers.Seconds,
        "how often the extension retries a busy port");

    public static readonly Setting<int> MaxConnections = new("MAX_CONNECTIONS", 512, SettingParsers.Count(1, 100_000),
        "open client connections; one more is answered 529 overloaded_error at once and closed (see Limits)")
    {
        // The connection cap belongs to the listener, like the port.
        TakesEffect = SettingTakesEffect.OnRestart,
    };

    public static readonly Setting<int> MaxUpstreamRequestsPerProvider = new("MAX_UPSTREAM_REQUESTS_PER_PROVIDER", 64, SettingParsers.Count(1, 10_000),
        "requests in flight to one provider; one more is answered 529 overloaded_error at once instead of queueing");

    public static readonly Setting<TimeSpan> ShutdownGrace = new("SHUTDOWN_GRACE_SECONDS", TimeSpan.FromSeconds(30), SettingParsers.Seconds,
        "on a stop, how long requests and streams in flight may finish; a stream still running then ends with an SSE error event");

    // The model tables' defaults come from the provider catalog (each provider's folder); their parsers need the other tables.
    public static readonly Setting ModelMap = new("MODEL_MAP", "request model → upstream model (JSON object or from=to,from2=to2)");

    public static readonly Setting ModelAliases = new("MODEL_ALIASES", "upstream model → the alias written into replies when a request names the upstream model directly");

    public static readonly Setting ModelRoutes = new("MODEL_ROUTES", "upstream model → provider (deepseek, moonshot, glm, xiaomi, anthropic, openai, gemini, qwen)");

    public static readonly Setting ClaudeModelMap = new("CLAUDE_MODEL_MAP", "the family slots: slot → upstream model or alias (JSON object or a=b pairs; haiku=… works too); see Family slots");

    public static readonly Setting ModelTiers = new("MODEL_TIERS", "model (upstream or alias) → the tier of its Claude Desktop id (haiku, sonnet, opus, fable), e.g. kimi-k2.6=opus");

    public static readonly Setting RequestClassMap = new("REQUEST_CLASS_MAP", "Claude Code request class → model, e.g. auxiliary=claude-haiku,compaction=claude-haiku: background work on a cheap model (needs CLAUDE_CODE_GATEWAY_HINT_HEADERS=1 in Claude Code; the reply keeps the requested model, /healthz counts requests per class)");

    public static readonly Setting<OpenAiWireApi> OpenAiWire = new("OPENAI_WIRE_API", OpenAiWireApi.Responses, SettingParsers.OpenAiWire,
        "which API the OpenAI provider is spoken to with: responses (POST {OPENAI_BASE_URL}/responses) or chat (/chat/completions, for OpenAI-compatible servers without /responses); Codex models always use responses. Gemini and Qwen always use Chat Completions");

    public static readonly Setting AdvancedEnv = new("ADVANCED_ENV", "JSON object of any variables above")
    {
        InInstallForm = true,
    };

    public static IReadOnlyList<Setting> All { get; } =
    [
        BaseUrl, Port, RewriteResponses, UpstreamHeadersTimeout, StreamPingInterval, StreamIdleTimeout, UpstreamRetries, ModelFallbacks,
        ProxyAuthToken, BindAddress, PortRetryInterval, MaxConnections, MaxUpstreamRequestsPerProvider, ShutdownGrace,
        ModelMap, ModelAliases, ModelRoutes, ClaudeModelMap, ModelTiers, RequestClassMap, OpenAiWire, AdvancedEnv,
    ];

    /// <summary>Every variable ADVANCED_ENV may hold: each setting but ADVANCED_ENV itself (a test's own rows too), and each provider's variables.</summary>
    public static IReadOnlySet<string> AcceptedInAdvancedEnv(IEnumerable<ProviderDefinition> providers, IEnumerable<Setting>? extraSettings = null) => new HashSet<string>(
        All.Concat(extraSettings ?? []).Where(s => s != AdvancedEnv).Select(s => s.Name)
            .Concat(providers.SelectMany(p => p.KeyVariables.Append(p.BaseUrlVariable))),
        StringComparer.Ordinal);

    /// <summary>The URL clients on this machine use for a gateway on <paramref name="port"/>.</summary>
    public static string LocalUrl(int port) => $"http://127.0.0.1:{port}";
}
