using ClaudeModelProxy.Core.Providers;

namespace ClaudeModelProxy.Core.Configuration;

/// <summary>One provider as configured: where it lives and whether a key is set.</summary>
public sealed record ProviderSettings(ProviderDefinition Definition, string BaseUrl, string? ApiKey)
{
    public string Id => Definition.Id;

    public bool HasApiKey => !string.IsNullOrEmpty(ApiKey);

    public override string ToString() => $"{Id} ({BaseUrl}, key {(HasApiKey ? "set" : "missing")})";
}

/// <summary>Something in the configuration that was ignored, and why.</summary>
public sealed record ConfigurationProblem(string Setting, string Message)
{
    public override string ToString() => $"{Setting}: {Message}";
}

/// <summary>
/// The proxy's whole configuration after defaults, overrides and validation. The plain settings live in
/// <see cref="Values"/> and are read with <see cref="Get{T}"/>; the typed properties for them are views of the same
/// values (init writes a new bag, so <c>with { Port = … }</c> works), kept for the code that already reads them.
/// </summary>
public sealed record ProxySettings
{
    private readonly SettingValues values = SettingValues.Defaults;
    private readonly GatewayLimits limits = new();

    /// <summary>The value of every plain row of <see cref="SettingTable"/>.</summary>
    public SettingValues Values
    {
        get => values;
        init
        {
            values = value;
            limits = limits.WithSettingsFrom(value);
        }
    }

    public T Get<T>(Setting<T> row) => values.Get(row);

    public string BaseUrl { get => Get(SettingTable.BaseUrl); init => Values = values.With(SettingTable.BaseUrl, value); }

    public int Port { get => Get(SettingTable.Port); init => Values = values.With(SettingTable.Port, value); }

    public bool RewriteResponses { get => Get(SettingTable.RewriteResponses); init => Values = values.With(SettingTable.RewriteResponses, value); }

    /// <summary>Providers keyed by id, in catalogue order.</summary>
    public required IReadOnlyList<ProviderSettings> Providers { get; init; }

    /// <summary>Request model → upstream model.</summary>
    public required IReadOnlyDictionary<string, string> ModelMap { get; init; }

    /// <summary>Upstream model → response alias.</summary>
    public required IReadOnlyDictionary<string, string> ModelAliases { get; init; }

    /// <summary>Upstream model → provider id.</summary>
    public required IReadOnlyDictionary<string, string> ModelRoutes { get; init; }

    public required IReadOnlyList<ConfigurationProblem> Problems { get; init; }

    /// <summary>The MODEL_MAP keys the user set (the rest are defaults): an explicit entry always wins over family-slot routing.</summary>
    public IReadOnlySet<string> ExplicitModelMapKeys { get; init; } = new HashSet<string>();

    /// <summary>Family (haiku, sonnet, opus, fable) → the alias or upstream model its slot <c>claude-&lt;family&gt;</c> uses (CLAUDE_MODEL_MAP).
    /// A slot its catalog leaves unfilled is absent.</summary>
    public required IReadOnlyDictionary<string, string> FamilySlots { get; init; }

    /// <summary>Upstream model → the tier of its Desktop-safe id, where MODEL_TIERS overrides the guess from its name.</summary>
    public IReadOnlyDictionary<string, string> ModelTiers { get; init; } = new Dictionary<string, string>();

    /// <summary>Claude Code request class (<c>x-claude-code-request-class</c>) → the alias that serves it (REQUEST_CLASS_MAP).</summary>
    public IReadOnlyDictionary<string, string> RequestClassMap { get; init; } = new Dictionary<string, string>();

    /// <summary>How long an upstream may take to send its response headers before the client gets a 504.</summary>
    public TimeSpan UpstreamHeadersTimeout { get => Get(SettingTable.UpstreamHeadersTimeout); init => Values = values.With(SettingTable.UpstreamHeadersTimeout, value); }

    /// <summary>How long a stream may stay silent before a <c>ping</c> event keeps the client's watchdog quiet.</summary>
    public TimeSpan StreamPingInterval { get => Get(SettingTable.StreamPingInterval); init => Values = values.With(SettingTable.StreamPingInterval, value); }

    /// <summary>How long a stream may stay silent in total before it is ended with an error event.</summary>
    public TimeSpan StreamIdleTimeout { get => Get(SettingTable.StreamIdleTimeout); init => Values = values.With(SettingTable.StreamIdleTimeout, value); }

    /// <summary>Retries of a connect failure, 429, 503 or 529 before the client has seen a byte.</summary>
    public int UpstreamRetries { get => Get(SettingTable.UpstreamRetries); init => Values = values.With(SettingTable.UpstreamRetries, value); }

    /// <summary>Alias → alias tried when an alias's retries are exhausted.</summary>
    public IReadOnlyDictionary<string, string> ModelFallbacks { get; init; } = new Dictionary<string, string>();

    /// <summary>When set, every request must present this token (Bearer or x-api-key).</summary>
    public string? ProxyAuthToken { get => Get(SettingTable.ProxyAuthToken); init => Values = values.With(SettingTable.ProxyAuthToken, value); }

    /// <summary>The address to listen on: loopback unless the user asks otherwise (and sets a token).</summary>
    public System.Net.IPAddress BindAddress { get => Get(SettingTable.BindAddress); init => Values = values.With(SettingTable.BindAddress, value); }

    /// <summary>Why the gateway must not start (a non-loopback bind without a token), or null.</summary>
    public string? StartupRefusal { get; init; }

    /// <summary>How often the MCP host retries a busy port.</summary>
    public TimeSpan PortRetryInterval { get => Get(SettingTable.PortRetryInterval); init => Values = values.With(SettingTable.PortRetryInterval, value); }

    /// <summary>Which API the OpenAI provider speaks (OPENAI_WIRE_API); Codex models use Responses regardless.</summary>
    public OpenAiWireApi OpenAiWireApi { get => Get(SettingTable.OpenAiWire); init => Values = values.With(SettingTable.OpenAiWire, value); }

    /// <summary>Connection, request and reply bounds (MAX_CONNECTIONS, MAX_UPSTREAM_REQUESTS_PER_PROVIDER, SHUTDOWN_GRACE_SECONDS and fixed ones).
    /// The three settings among them are kept in step with <see cref="Values"/> both ways.</summary>
    public GatewayLimits Limits
    {
        get => limits;
        init
        {
            limits = value;
            values = value.WriteSettingsInto(values);
        }
    }

    public bool IsLoopbackOnly => System.Net.IPAddress.IsLoopback(BindAddress);

    public ProviderSettings? FindProvider(string id) =>
        Providers.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The URL clients on this machine use.</summary>
    public string LocalUrl => SettingTable.LocalUrl(Port);
}
