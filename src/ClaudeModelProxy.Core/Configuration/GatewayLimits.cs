namespace ClaudeModelProxy.Core.Configuration;

/// <summary>
/// Every bound the gateway puts on what clients and upstreams may make it hold, in one place (the
/// README's "Limits" section lists the same numbers). The first three come from settings; the rest
/// are fixed, and only tests shorten them.
/// </summary>
public sealed record GatewayLimits
{
    /// <summary>Open client connections; one more is answered 529 and closed at once (MAX_CONNECTIONS).</summary>
    public int MaxConnections { get; init; } = SettingTable.MaxConnections.Default;

    /// <summary>Requests in flight to one provider; one more is answered 529 at once (MAX_UPSTREAM_REQUESTS_PER_PROVIDER).</summary>
    public int MaxUpstreamRequestsPerProvider { get; init; } = SettingTable.MaxUpstreamRequestsPerProvider.Default;

    /// <summary>How long a stop waits for requests and streams in flight (SHUTDOWN_GRACE_SECONDS).</summary>
    public TimeSpan ShutdownGrace { get; init; } = SettingTable.ShutdownGrace.Default;

    /// <summary>Header lines in one request; more is a 431.</summary>
    public int MaxRequestHeaderCount { get; init; } = 100;

    /// <summary>All header lines of one request together; more is a 431.</summary>
    public int MaxRequestHeadersBytes { get; init; } = 32 * 1024;

    /// <summary>The request line (method, path and query); longer is a 414.</summary>
    public int MaxRequestLineBytes { get; init; } = 8 * 1024;

    /// <summary>A client must send its whole request head within this; a trickle is cut with a 408.</summary>
    public TimeSpan ClientHeadersTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>A request body must arrive at least this fast (after <see cref="MinClientBodyGrace"/>); slower is a 408.</summary>
    public double MinClientBodyBytesPerSecond { get; init; } = 240;

    public TimeSpan MinClientBodyGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>These limits with the three that are settings taken from <paramref name="values"/>.</summary>
    internal GatewayLimits WithSettingsFrom(SettingValues values) => this with
    {
        MaxConnections = values.Get(SettingTable.MaxConnections),
        MaxUpstreamRequestsPerProvider = values.Get(SettingTable.MaxUpstreamRequestsPerProvider),
        ShutdownGrace = values.Get(SettingTable.ShutdownGrace),
    };

    /// <summary><paramref name="values"/> with the three limits that are settings written in.</summary>
    internal SettingValues WriteSettingsInto(SettingValues values) => values
        .With(SettingTable.MaxConnections, MaxConnections)
        .With(SettingTable.MaxUpstreamRequestsPerProvider, MaxUpstreamRequestsPerProvider)
        .With(SettingTable.ShutdownGrace, ShutdownGrace);

    /// <summary>One upstream SSE event, or a whole JSON reply (after decoding); larger ends the request with an error instead of growing memory.</summary>
    public const int MaxUpstreamReplyBytes = 16 * 1024 * 1024;
}
