using System.Text.Json;

namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>Tolerant accessors for upstream JSON: wrong kinds read as absent instead of throwing.</summary>
internal static class JsonRead
{
    public static JsonElement? Property(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    public static string? String(this JsonElement element, string name) =>
        element.Property(name) is { ValueKind: JsonValueKind.String } value ? value.Text() : null;

    /// <inheritdoc cref="Property(JsonElement, string)"/>
    /// <remarks>The UTF-8 name is compared as it is, not transcoded on every lookup: for the per-block reads of a long conversation.</remarks>
    public static JsonElement? Property(this JsonElement element, ReadOnlySpan<byte> utf8Name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(utf8Name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    /// <inheritdoc cref="String(JsonElement, string)"/>
    public static string? String(this JsonElement element, ReadOnlySpan<byte> utf8Name) =>
        element.Property(utf8Name) is { ValueKind: JsonValueKind.String } value ? value.Text() : null;

    /// <summary>
    /// <see cref="String(JsonElement, ReadOnlySpan{byte})"/> for a field whose values are names (a block's type, a role):
    /// one of <paramref name="known"/> is returned without decoding or allocating, anything else is decoded.
    /// </summary>
    /// <remarks>Exact for masked strings too (<see cref="EscapeMask"/>): a masked escape never decodes to a letter, so a masked value is never a known name.</remarks>
    public static string? KnownString(this JsonElement element, ReadOnlySpan<byte> utf8Name, KnownNames known) =>
        element.Property(utf8Name) is { ValueKind: JsonValueKind.String } value ? known.Match(value) ?? value.Text() : null;

    public static JsonElement? Object(this JsonElement element, string name) =>
        element.Property(name) is { ValueKind: JsonValueKind.Object } value ? value : null;

    public static JsonElement? Array(this JsonElement element, string name) =>
        element.Property(name) is { ValueKind: JsonValueKind.Array } value ? value : null;

    public static long? Long(this JsonElement element, string name)
    {
        if (element.Property(name) is not { ValueKind: JsonValueKind.Number } value) return null;
        if (value.TryGetInt64(out var whole)) return whole;
        return value.TryGetDouble(out var real) && double.IsFinite(real) ? (long)real : null;
    }

    /// <summary>Reasoning text under the names upstreams use: <c>reasoning_content</c> (DeepSeek, Qwen), <c>reasoning</c>, <c>thinking</c>.</summary>
    public static string? ReasoningText(this JsonElement message)
    {
        string? empty = null;
        foreach (var name in ReasoningFields)
        {
            var text = message.String(name);
            if (!string.IsNullOrEmpty(text)) return text;
            empty ??= text;
        }
        return empty;
    }

    private static readonly string[] ReasoningFields = ["reasoning_content", "reasoning", "thinking"];

    /// <summary><c>content</c> as text: a string, or the text of an array of parts.</summary>
    public static string? ContentText(this JsonElement message)
    {
        var content = message.Property("content");
        if (content is not { } value) return null;
        if (value.ValueKind == JsonValueKind.String) return value.Text();
        if (value.ValueKind != JsonValueKind.Array) return null;
        string? text = null;
        foreach (var part in value.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.String) text += part.Text();
            else if (part.String("type") is null or "text" or "output_text" && part.String("text") is { } partText) text += partText;
        }
        return text;
    }
}

/// <summary>A fixed set of names a string value is compared with as UTF-8, each returned as the same string instance.</summary>
internal sealed class KnownNames(params string[] names)
{
    private readonly (string Text, byte[] Utf8)[] entries = [.. names.Select(name => (name, System.Text.Encoding.UTF8.GetBytes(name)))];

    public string? Match(JsonElement value)
    {
        // An escaped token is left to the caller's decoding: ValueEquals would unescape it, and throws on a lone surrogate.
        if (System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value).Contains((byte)'\\')) return null;
        foreach (var (text, utf8) in entries)
            if (value.ValueEquals(utf8)) return text;
        return null;
    }
}
