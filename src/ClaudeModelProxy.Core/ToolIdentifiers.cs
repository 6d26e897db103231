using System.Text;

namespace ClaudeModelProxy.Core;

/// <summary>
/// The one character rule for tool ids and names: Anthropic (<c>^[A-Za-z0-9_-]+$</c>) and OpenAI-style APIs
/// (<c>^[a-zA-Z0-9_-]{1,64}$</c>) accept the same set. Both the pass-through id carrier
/// (<see cref="Anthropic.ToolIdSanitizer"/>) and the translated names and ids (<see cref="OpenAi.ToolNaming"/>) use it.
/// </summary>
internal static class ToolIdentifiers
{
    public static bool IsSafe(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';

    /// <summary>Whether every character is in the set (true for an empty value: callers check the length they need).</summary>
    public static bool IsSafe(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
            if (!IsSafe(c)) return false;
        return true;
    }

    /// <inheritdoc cref="IsSafe(ReadOnlySpan{char})"/>
    public static bool IsSafe(ReadOnlySpan<byte> utf8)
    {
        foreach (var b in utf8)
            if (b >= 0x80 || !IsSafe((char)b)) return false;
        return true;
    }

    /// <summary>Appends <paramref name="value"/> with every character outside the set replaced by <c>_</c>.</summary>
    public static StringBuilder AppendSafe(this StringBuilder builder, string value)
    {
        foreach (var c in value) builder.Append(IsSafe(c) ? c : '_');
        return builder;
    }
}
