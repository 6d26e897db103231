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
