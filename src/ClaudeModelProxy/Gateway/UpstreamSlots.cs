using System.Collections.Concurrent;
using ClaudeModelProxy.Core.Configuration;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// Requests in flight per provider (MAX_UPSTREAM_REQUESTS_PER_PROVIDER). A request over the cap is
/// refused at once (529) rather than queued without bound behind a provider that has stopped answering.
/// </summary>
public sealed class UpstreamSlots(int perProvider)
{
    private readonly ConcurrentDictionary<string, StrongBox<int>> inFlight = new(StringComparer.OrdinalIgnoreCase);

    public int PerProvider => perProvider;

    public bool TryEnter(ProviderSettings provider)
    {
        var count = inFlight.GetOrAdd(provider.Id, static _ => new StrongBox<int>());
        if (Interlocked.Increment(ref count.Value) <= perProvider) return true;
        Interlocked.Decrement(ref count.Value);
        return false;
    }

    public void Exit(ProviderSettings provider) => Interlocked.Decrement(ref inFlight[provider.Id].Value);

    public int InFlight(ProviderSettings provider) => inFlight.TryGetValue(provider.Id, out var count) ? Volatile.Read(ref count.Value) : 0;

    private sealed class StrongBox<T>
    {
        public T Value = default!;
    }
}
