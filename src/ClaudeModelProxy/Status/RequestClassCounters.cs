using System.Collections.Concurrent;
using ClaudeModelProxy.Core.Configuration;

namespace ClaudeModelProxy.Status;

/// <summary>Requests per Claude Code request class (<c>x-claude-code-request-class</c>); unknown values count as "other", so the table stays small.</summary>
public sealed class RequestClassCounters
{
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);

    public void Record(string requestClass)
    {
        var key = RequestClasses.Known.Contains(requestClass) ? requestClass : "other";
        counts.AddOrUpdate(key, 1, static (_, count) => count + 1);
    }

    public Dictionary<string, long> Snapshot() =>
        counts.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}
