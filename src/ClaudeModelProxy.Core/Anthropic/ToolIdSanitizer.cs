using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace ClaudeModelProxy.Core.Anthropic;

/// <summary>
/// Anthropic clients reject tool-use ids outside <c>^[A-Za-z0-9_-]+$</c>, yet Kimi emits ids such
/// as <c>functions.Bash:0</c>. Invalid ids are rewritten deterministically in replies and mapped
/// back to the upstream's original when they return in a later request.
/// </summary>
public sealed class ToolIdSanitizer(int capacity = 10_000)
{
    private readonly ConcurrentDictionary<string, string> originalsBySanitized = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> insertionOrder = new();

    public bool HasMappings => !originalsBySanitized.IsEmpty;

    public static bool IsValid(ReadOnlySpan<byte> id)
    {
        if (id.IsEmpty) return false;
        foreach (var b in id)
        {
            if (!(b is >= (byte)'a' and <= (byte)'z' || b is >= (byte)'A' and <= (byte)'Z' || b is >= (byte)'0' and <= (byte)'9' || b == '_' || b == '-'))
                return false;
        }
        return true;
    }

    /// <summary>A valid id for <paramref name="original"/>; the same input always gives the same output.</summary>
    public string Sanitize(string original)
    {
        var builder = new StringBuilder(original.Length + 9);
        foreach (var c in original) builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        // A short hash keeps two ids that differ only in replaced characters apart.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(original));
        builder.Append('_').Append(Convert.ToHexStringLower(hash, 0, 4));
        var sanitized = builder.ToString();
        if (originalsBySanitized.TryAdd(sanitized, original))
        {
            insertionOrder.Enqueue(sanitized);
            while (originalsBySanitized.Count > capacity && insertionOrder.TryDequeue(out var oldest))
                originalsBySanitized.TryRemove(oldest, out _);
        }
        return sanitized;
    }

    /// <summary>The upstream's original id for an id this sanitizer produced, if it knows one.</summary>
    public string? OriginalOf(string sanitized) => originalsBySanitized.GetValueOrDefault(sanitized);
}
