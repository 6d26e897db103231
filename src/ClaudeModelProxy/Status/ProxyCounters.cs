using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using ClaudeModelProxy.Core.Anthropic;

namespace ClaudeModelProxy.Status;

/// <summary>
/// Live counters per alias and per Claude Code session, the last requests and the last failure.
/// Cheap on the hot path: one short uncontended lock per alias and per session (each request
/// touches its own), one interlocked slot in the ring of recent requests, no allocation beyond
/// the request's own record. Memory is bounded: at most <see cref="MaxSessions"/> sessions (the
/// least recently seen goes first) and <see cref="RecentCapacity"/> recent requests.
/// </summary>
public sealed class ProxyCounters
{
    public const int RecentCapacity = 50;

    public const int MaxSessions = 100;

    public RequestClassCounters RequestClasses { get; } = new();

    /// <summary>Longer session ids are cut: the header comes from the client.</summary>
    private const int MaxSessionIdLength = 80;

    private const int MaxModels = 256;
    private const string OtherModels = "(other models)";
    private readonly ConcurrentDictionary<string, UsageCounters> byAlias = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UsageCounters> bySession = new(StringComparer.Ordinal);
    private readonly RequestRecord?[] recent = new RequestRecord?[RecentCapacity];
    private long recorded;
    private RequestRecord? lastFailure;

    /// <summary>The short form the older call sites use: no session, no stream flag, no provider.</summary>
    public void Record(string alias, int status, TimeSpan duration, TokenUsage usage, string? error, bool fellBack = false) =>
        Record(new RequestRecord
        {
            At = DateTimeOffset.UtcNow,
            Alias = alias,
            Status = status,
            DurationMs = Math.Round(duration.TotalMilliseconds, 1),
            InputTokens = usage.TotalInputTokens,
            OutputTokens = usage.OutputTokens,
            CachedInputTokens = usage.CacheReadInputTokens,
            ErrorType = ErrorTypeOf(status, error),
            Error = error,
            FellBackTo = fellBack ? "(fallback)" : null,
        });

    public void Record(RequestRecord request)
    {
        if (request.Session is { Length: > MaxSessionIdLength } longId) request = request with { Session = longId[..MaxSessionIdLength] };
        // Any Claude id routes, so the client chooses these keys: past the cap, new ones share one row.
        var key = byAlias.Count < MaxModels || byAlias.ContainsKey(request.Alias) ? request.Alias : OtherModels;
        byAlias.GetOrAdd(key, static _ => new UsageCounters()).Record(request);
        if (request.Session is { Length: > 0 } session) SessionCounters(session).Record(request);
        recent[(Interlocked.Increment(ref recorded) - 1) % RecentCapacity] = request;
        if (request.ErrorType is not null) Volatile.Write(ref lastFailure, request);
    }

    /// <summary>The error type a failed request is counted under (Anthropic's names where they exist), or null when it succeeded.</summary>
    public static string? ErrorTypeOf(int status, string? error) => status switch
    {
        < 400 when error is null => null,
        < 400 => AnthropicError.Api,
        400 => AnthropicError.InvalidRequest,
        401 => AnthropicError.Authentication,
        403 => AnthropicError.Permission,
        404 => AnthropicError.NotFound,
        408 or 504 => AnthropicError.Timeout,
        413 => AnthropicError.RequestTooLarge,
        429 => AnthropicError.RateLimit,
        499 => "client_disconnected",
        529 => AnthropicError.Overloaded,
        _ => AnthropicError.Api,
    };

    public Dictionary<string, AliasCountersSnapshot> Snapshot() =>
        byAlias.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value.Snapshot(), StringComparer.Ordinal);

    /// <summary>Per-session counters, most recently seen first.</summary>
    public List<SessionCountersSnapshot> Sessions() =>
        bySession.Select(p => (Id: p.Key, Counters: p.Value, LastSeen: p.Value.LastSeenTicks))
            .OrderByDescending(s => s.LastSeen)
            .Select(s => new SessionCountersSnapshot(s.Id, s.Counters.Snapshot()))
            .ToList();

    /// <summary>The last requests, newest first.</summary>
    public List<RequestRecord> Recent()
    {
        var total = Interlocked.Read(ref recorded);
        var list = new List<RequestRecord>(RecentCapacity);
        for (var i = total - 1; i >= 0 && i >= total - RecentCapacity; i--)
            if (Volatile.Read(ref recent[i % RecentCapacity]) is { } record) list.Add(record);
        return list;
    }

    public RequestRecord? LastFailure => Volatile.Read(ref lastFailure);

    private UsageCounters SessionCounters(string session)
    {
        if (bySession.TryGetValue(session, out var known)) return known;
        if (bySession.Count >= MaxSessions) EvictOldestSession();
        return bySession.GetOrAdd(session, static _ => new UsageCounters());
    }

    /// <summary>Only when a new session arrives with the table full: a scan of at most MaxSessions entries.</summary>
    private void EvictOldestSession()
    {
        string? oldest = null;
        var oldestSeen = long.MaxValue;
        foreach (var (id, counters) in bySession)
        {
            var seen = counters.LastSeenTicks;
            if (seen < oldestSeen) (oldest, oldestSeen) = (id, seen);
        }
        if (oldest is not null) bySession.TryRemove(oldest, out _);
    }

    private sealed class UsageCounters
    {
        private const int LatencyWindow = 256;
        private readonly Lock gate = new();
        private readonly double[] latencies = new double[LatencyWindow];
        private readonly Dictionary<string, long> errorsByType = new(StringComparer.Ordinal);
        private long requests, errors, fallbacks, inputTokens, outputTokens, cachedInputTokens, streams;
        private int latencyCount;
        private long lastSeenTicks;
        private string? lastTarget;
        private DateTimeOffset? lastErrorAt;
        private string? lastError;

        public long LastSeenTicks => Volatile.Read(ref lastSeenTicks);

        public void Record(RequestRecord request)
        {
            lock (gate)
            {
                requests++;
                if (request.FellBackTo is not null) fallbacks++;
                if (request.Stream) streams++;
                inputTokens += request.InputTokens;
                outputTokens += request.OutputTokens;
                cachedInputTokens += request.CachedInputTokens;
                latencies[latencyCount++ % LatencyWindow] = request.DurationMs;
                if (latencyCount == 2 * LatencyWindow) latencyCount = LatencyWindow; // stays "full" without overflowing
                if (request.Provider is not null) lastTarget = $"{request.Provider}/{request.UpstreamModel}";
                lastSeenTicks = request.At.UtcTicks;
                if (request.ErrorType is { } type)
                {
                    errors++;
                    errorsByType[type] = errorsByType.GetValueOrDefault(type) + 1;
                    lastErrorAt = request.At;
                    lastError = request.Error ?? $"HTTP {request.Status}";
                }
            }
        }

        public AliasCountersSnapshot Snapshot()
        {
            lock (gate)
            {
                var window = latencies.AsSpan(0, Math.Min(latencyCount, LatencyWindow)).ToArray();
                Array.Sort(window);
                return new AliasCountersSnapshot(requests, errors, fallbacks, inputTokens, outputTokens, Math.Round(Percentile(window, 0.5), 1), lastErrorAt, lastError)
                {
                    CachedInputTokens = cachedInputTokens,
                    Streams = streams,
                    P95LatencyMs = Math.Round(Percentile(window, 0.95), 1),
                    ErrorsByType = errorsByType.Count == 0 ? null : new(errorsByType, StringComparer.Ordinal),
                    Target = lastTarget,
                };
            }
        }

        /// <summary>Nearest-rank percentile of a sorted window.</summary>
        private static double Percentile(double[] sorted, double fraction) =>
            sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>A copy of one alias's (or one session's) counters.</summary>
public sealed record AliasCountersSnapshot(
    long Requests,
    long Errors,
    long Fallbacks,
    long InputTokens,
    long OutputTokens,
    double MedianLatencyMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastErrorAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? LastError)
{
    /// <summary>Input tokens read from the provider's prompt cache (part of <see cref="InputTokens"/>).</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>How many of the requests were streamed.</summary>
    public long Streams { get; init; }

    public double P95LatencyMs { get; init; }

    /// <summary>Failed requests by error type (authentication_error, rate_limit_error, api_error…); null when none failed.</summary>
    public Dictionary<string, long>? ErrorsByType { get; init; }

    /// <summary>provider/model the last request went to.</summary>
    public string? Target { get; init; }
}

/// <summary>One Claude Code session (x-claude-code-session-id) and its counters.</summary>
public sealed record SessionCountersSnapshot(string Session, AliasCountersSnapshot Counters);

/// <summary>One proxied request as the status page lists it: never a body, never a key.</summary>
public sealed record RequestRecord
{
    public required DateTimeOffset At { get; init; }

    /// <summary>The model name the client asked for.</summary>
    public required string Alias { get; init; }

    public string? Provider { get; init; }

    public string? UpstreamModel { get; init; }

    public required int Status { get; init; }

    public required double DurationMs { get; init; }

    public bool Stream { get; init; }

    public long InputTokens { get; init; }

    public long OutputTokens { get; init; }

    public long CachedInputTokens { get; init; }

    /// <summary>Null when the request succeeded.</summary>
    public string? ErrorType { get; init; }

    /// <summary>The one-line reason of a failure, with secrets redacted.</summary>
    public string? Error { get; init; }

    /// <summary>The MODEL_FALLBACKS alias that answered instead.</summary>
    public string? FellBackTo { get; init; }

    public string? Session { get; init; }
}
