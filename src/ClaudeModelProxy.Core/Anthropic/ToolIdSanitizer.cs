using System.Buffers.Text;
using System.Text;

namespace ClaudeModelProxy.Core.Anthropic;

/// <summary>
/// Anthropic clients reject tool-use ids outside <c>^[A-Za-z0-9_-]+$</c>, yet Kimi emits ids such
/// as <c>functions.Bash:0</c>. Invalid ids are rewritten in replies into a valid id that carries the
/// original (<c>functions_Bash_0_cmpt&lt;base64url of the original&gt;</c>), so that any gateway process
/// can restore the upstream's id when it comes back in a later request: no mapping is kept in memory.
/// </summary>
public sealed class ToolIdSanitizer
{
    /// <summary>Separates the readable part from the carried original.</summary>
    public const string Marker = "_cmpt";

    /// <summary>Longest original carried (longer ids are left to the upstream as sanitised).</summary>
    private const int MaxOriginalBytes = 512;

    /// <summary>Whether a request body may hold an id this sanitizer produced (cheap pre-check before reading ids).</summary>
    public static bool MayHoldSanitizedIds(ReadOnlySpan<byte> body) => body.IndexOf("_cmpt"u8) >= 0;

    public static bool IsValid(ReadOnlySpan<byte> id) => !id.IsEmpty && ToolIdentifiers.IsSafe(id);

    /// <summary>A valid id for <paramref name="original"/>; the same input always gives the same output.</summary>
    public string Sanitize(string original)
    {
        var builder = new StringBuilder(original.Length * 2 + Marker.Length).AppendSafe(original);
        var utf8 = Encoding.UTF8.GetBytes(original);
        if (utf8.Length > MaxOriginalBytes) utf8 = utf8[..MaxOriginalBytes];
        return builder.Append(Marker).Append(Base64Url.EncodeToString(utf8)).ToString();
    }

    /// <summary>The upstream's original id for an id this sanitizer produced; null for any other id.</summary>
    public string? OriginalOf(string sanitized)
    {
        var marker = sanitized.LastIndexOf(Marker, StringComparison.Ordinal);
        if (marker < 0) return null;
        if (UnpaddedBase64Url.TryDecode(sanitized.AsSpan(marker + Marker.Length), MaxOriginalBytes) is not { } bytes) return null;
        string original;
        try
        {
            original = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (ArgumentException)
        {
            return null;
        }
        // Only an id this sanitizer would have produced: a client's own id that happens to contain the marker stays as it is.
        return string.Equals(Sanitize(original), sanitized, StringComparison.Ordinal) && !IsValid(Encoding.UTF8.GetBytes(original)) ? original : null;
    }
}
