using System.Net;
using ClaudeModelProxy.Core.Providers;

namespace ClaudeModelProxy.Core.Configuration;

/// <summary>
/// Every setting the proxy reads, declared once: name, aliases, default, parser, description, whether the install
/// form shows it and when a change takes effect. The loader reads from these rows; tests check the README table,
/// <c>.env.example</c> and <c>manifest.json</c> against them. Provider keys and base URLs come from
/// <see cref="ProviderCatalog"/>. A new setting is a row here (listed in <see cref="All"/>), the
/// <see cref="ProxySettings"/> property its consumers read (defaulting to the row's <c>Default</c>), one
/// <c>Read</c> in <see cref="SettingsLoader"/>, and its lines in the README table and <c>.env.example</c>,
/// which the tests demand.
/// </summary>
public static class SettingTable
{
    public static readonly Setting<int> Port = new("PORT", 8787, SettingParsers.Port, "the local port")
    {
        InInstallForm = true,
        // The gateway URL follows the port, so it stays with the running one too.
        KeptUntilRestart = new(s => s.Port, (running, next) => next with { Port = running.Port, BaseUrl = running.BaseUrl }, MovesTheListener: true),
    };

    public static readonly Setting<string> BaseUrl = new("BASE_URL", LocalUrl(Port.Default), SettingParsers.Url, "the gateway URL you give Claude Desktop (follows PORT)")
    {
        InInstallForm = true,
    };

    public static readonly Setting<bool> RewriteResponses = new("REWRITE_RESPONSES", true, SettingParsers.Boolean, "false relays upstream replies untouched");

    public static readonly Setting<TimeSpan> UpstreamHeadersTimeout = new("UPSTREAM_HEADERS_TIMEOUT_SECONDS", TimeSpan.FromMinutes(10), SettingParsers.Seconds,
        "how long an upstream may take to send its response headers before the client gets a 504");

    public static readonly Setting<TimeSpan> StreamPingInterval = new("STREAM_PING_SECONDS", TimeSpan.FromSeconds(15), SettingParsers.Seconds,
        "how long a stream may stay silent before a ping event keeps the client's watchdog quiet");

    public static readonly Setting<TimeSpan> StreamIdleTimeout = new("STREAM_IDLE_TIMEOUT_SECONDS", TimeSpan.FromMinutes(10), SettingParsers.Seconds,
        "how long a stream may stay silent in total before it is ended with an error event");

    public static readonly Setting<int> UpstreamRetries = new("UPSTREAM_RETRIES", 2, SettingParsers.Count(0, 10),
        "retries of a connect failure, 429, 503 or 529 before the client has seen a byte");

    public static readonly Setting ModelFallbacks = new("MODEL_FALLBACKS", "model → model tried when the first is unavailable");

    public static readonly Setting<string?> ProxyAuthToken = new("PROXY_AUTH_TOKEN", null, SettingParsers.Text,
        "when set, every request must present this token (Bearer or x-api-key)");

    public static readonly Setting<IPAddress> BindAddress = new("BIND_ADDRESS", IPAddress.Loopback, SettingParsers.BindAddress,
        "the address to listen on; anything but loopback needs PROXY_AUTH_TOKEN")
    {
        KeptUntilRestart = new(s => s.BindAddress, (running, next) => next with { BindAddress = running.BindAddress }, MovesTheListener: true),
    };

    public static readonly Setting<TimeSpan> PortRetryInterval = new("PORT_RETRY_SECONDS", TimeSpan.FromSeconds(2), SettingParsers.Seconds,
        "how often the MCP host retries a busy port");

    public static readonly Setting<int> MaxConnections = new("MAX_CONNECTIONS", 512, SettingParsers.Count(1, 100_000),
        "open client connections; one more is answered 529 and closed at once")
    {
        // The connection cap belongs to the listener, like the port.
        KeptUntilRestart = new(s => s.Limits.MaxConnections, (running, next) => next with { Limits = next.Limits with { MaxConnections = running.Limits.MaxConnections } }),
    };

    public static readonly Setting<int> MaxUpstreamRequestsPerProvider = new("MAX_UPSTREAM_REQUESTS_PER_PROVIDER", 64, SettingParsers.Count(1, 10_000),
        "requests in flight to one provider; one more is answered 529 at once");

    public static readonly Setting<TimeSpan> ShutdownGrace = new("SHUTDOWN_GRACE_SECONDS", TimeSpan.FromSeconds(30), SettingParsers.Seconds,
        "how long a stop waits for requests and streams in flight");

    // The model tables' defaults come from the provider catalog (each provider's folder); their parsers need the other tables.
    public static readonly Setting ModelMap = new("MODEL_MAP", "request model → upstream model");

    public static readonly Setting ModelAliases = new("MODEL_ALIASES", "upstream model → the alias written into replies");

    public static readonly Setting ModelRoutes = new("MODEL_ROUTES", "upstream model → provider id");

    public static readonly Setting ClaudeModelMap = new("CLAUDE_MODEL_MAP", "family slot (claude-haiku, claude-sonnet, claude-opus, claude-fable) → model");

    public static readonly Setting ModelTiers = new("MODEL_TIERS", "model → the tier of its Claude Desktop id");

    public static readonly Setting RequestClassMap = new("REQUEST_CLASS_MAP", "Claude Code request class → model");

    public static readonly Setting<OpenAiWireApi> OpenAiWire = new("OPENAI_WIRE_API", OpenAiWireApi.Responses, SettingParsers.OpenAiWire,
        "which API the OpenAI provider speaks (Codex models use Responses regardless)");

    public static readonly Setting AdvancedEnv = new("ADVANCED_ENV", "any of the other settings as one JSON object")
    {
        InInstallForm = true,
    };

    public static IReadOnlyList<Setting> All { get; } =
    [
        BaseUrl, Port, RewriteResponses, UpstreamHeadersTimeout, StreamPingInterval, StreamIdleTimeout, UpstreamRetries, ModelFallbacks,
        ProxyAuthToken, BindAddress, PortRetryInterval, MaxConnections, MaxUpstreamRequestsPerProvider, ShutdownGrace,
        ModelMap, ModelAliases, ModelRoutes, ClaudeModelMap, ModelTiers, RequestClassMap, OpenAiWire, AdvancedEnv,
    ];

    /// <summary>Every variable ADVANCED_ENV may hold: each setting but ADVANCED_ENV itself, and each provider's variables.</summary>
    public static IReadOnlySet<string> AcceptedInAdvancedEnv(IEnumerable<ProviderDefinition> providers) => new HashSet<string>(
        All.Where(s => s != AdvancedEnv).Select(s => s.Name)
            .Concat(providers.SelectMany(p => p.KeyVariables.Append(p.BaseUrlVariable))),
        StringComparer.Ordinal);

    /// <summary>The URL clients on this machine use for a gateway on <paramref name="port"/>.</summary>
    public static string LocalUrl(int port) => $"http://127.0.0.1:{port}";
}
