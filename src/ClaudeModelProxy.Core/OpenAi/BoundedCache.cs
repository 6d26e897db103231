using System.Collections.Concurrent;

namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>A thread-safe string map that forgets its oldest entries beyond a fixed capacity.</summary>
internal sealed class BoundedCache(int capacity)
{
    private readonly ConcurrentDictionary<string, string> values = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> insertionOrder = new();

    public int Count => values.Count;

    public void Set(string key, string value)
    {
        if (!values.TryAdd(key, value))
        {
            values[key] = value;
            return;
        }
        insertionOrder.Enqueue(key);
        while (values.Count > capacity && insertionOrder.TryDequeue(out var oldest))
            values.TryRemove(oldest, out _);
    }

    public string? Get(string key) => values.GetValueOrDefault(key);
}
