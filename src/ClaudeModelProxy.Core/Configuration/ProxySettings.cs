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

/// <summary>The proxy's whole configuration after defaults, overrides and validation.</summary>
public sealed record ProxySettings
{
    public const int DefaultPort = 8787;

    public required string BaseUrl { get; init; }

    public required int Port { get; init; }

    public required bool RewriteResponses { get; init; }

    /// <summary>Providers keyed by id, in catalogue order.</summary>
    public required IReadOnlyList<ProviderSettings> Providers { get; init; }

    /// <summary>Request model → upstream model.</summary>
    public required IReadOnlyDictionary<string, string> ModelMap { get; init; }

    /// <summary>Upstream model → response alias.</summary>
    public required IReadOnlyDictionary<string, string> ModelAliases { get; init; }

    /// <summary>Upstream model → provider id.</summary>
    public required IReadOnlyDictionary<string, string> ModelRoutes { get; init; }

    public required IReadOnlyList<ConfigurationProblem> Problems { get; init; }

    /// <summary>How long an upstream may take to send its response headers before the client gets a 504.</summary>
    public TimeSpan UpstreamHeadersTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a stream may stay silent before a <c>ping</c> event keeps the client's watchdog quiet.</summary>
    public TimeSpan StreamPingInterval { get; init; } = TimeSpan.FromSeconds(15);

    public ProviderSettings? FindProvider(string id) =>
        Providers.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The URL this process listens on (always loopback).</summary>
    public string LocalUrl => $"http://127.0.0.1:{Port}";
}
