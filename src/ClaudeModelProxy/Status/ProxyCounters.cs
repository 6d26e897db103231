using System.Collections.Concurrent;
using ClaudeModelProxy.Core.Anthropic;

namespace ClaudeModelProxy.Status;

/// <summary>Live per-alias counters: requests, errors, tokens, latency and the last error.</summary>
public sealed class ProxyCounters
{
    private readonly ConcurrentDictionary<string, AliasCounters> byAlias = new(StringComparer.Ordinal);

    public RequestClassCounters RequestClasses { get; } = new();

    public void Record(string alias, int status, TimeSpan duration, TokenUsage usage, string? error, bool fellBack = false)
    {
        var counters = byAlias.GetOrAdd(alias, _ => new AliasCounters());
        counters.Record(status, duration, usage, error, fellBack);
    }

    public Dictionary<string, AliasCountersSnapshot> Snapshot() =>
        byAlias.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value.Snapshot(), StringComparer.Ordinal);

    private sealed class AliasCounters
    {
        private const int LatencyWindow = 256;
        private readonly Lock gate = new();
        private readonly double[] latencies = new double[LatencyWindow];
        private long requests, errors, fallbacks, inputTokens, outputTokens;
        private int latencyCount;
        private DateTimeOffset? lastErrorAt;
        private string? lastError;

        public void Record(int status, TimeSpan duration, TokenUsage usage, string? error, bool fellBack)
        {
            lock (gate)
            {
                requests++;
                if (fellBack) fallbacks++;
                inputTokens += usage.TotalInputTokens;
                outputTokens += usage.OutputTokens;
                latencies[latencyCount++ % LatencyWindow] = duration.TotalMilliseconds;
                if (status >= 400 || error is not null)
                {
                    errors++;
                    lastErrorAt = DateTimeOffset.UtcNow;
                    lastError = error ?? $"HTTP {status}";
                }
            }
        }

        public AliasCountersSnapshot Snapshot()
        {
            lock (gate)
            {
                var window = latencies.AsSpan(0, Math.Min(latencyCount, LatencyWindow)).ToArray();
                Array.Sort(window);
                var median = window.Length == 0 ? 0 : window[window.Length / 2];
                return new AliasCountersSnapshot(requests, errors, fallbacks, inputTokens, outputTokens, Math.Round(median, 1), lastErrorAt, lastError);
            }
        }
    }
}

/// <summary>A copy of one alias's counters.</summary>
public sealed record AliasCountersSnapshot(
    long Requests,
    long Errors,
    long Fallbacks,
    long InputTokens,
    long OutputTokens,
    double MedianLatencyMs,
    DateTimeOffset? LastErrorAt,
    string? LastError);
