using System.Text.Json;
using System.Text.Unicode;

namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>What a plain stream chunk carries.</summary>
internal enum PlainDeltaKind
{
    /// <summary>No visible text (a role-only chunk, an empty content string).</summary>
    Nothing,
    Content,
    Reasoning,
}

/// <summary>
/// Recognises, in one forward pass and without building a document, the chunk most of a stream is
/// made of: one choice at index 0 whose delta holds only text (<c>content</c>) or only reasoning,
/// with no finish reason, tool call, usage, error or provider extra. Anything else is left to the
/// full translation, so this path can only ever do what that one would.
/// </summary>
internal static class PlainDeltaChunk
{
    /// <param name="data">One SSE event's data.</param>
    /// <param name="kind">What the delta carries.</param>
    /// <param name="escapedText">Where the text is in <paramref name="data"/>, as written there (JSON escapes and all), without its quotes.</param>
    /// <returns>False when the chunk is anything but plain.</returns>
    public static bool TryRead(ReadOnlySpan<byte> data, out PlainDeltaKind kind, out Range escapedText)
    {
        kind = PlainDeltaKind.Nothing;
        escapedText = default;
        try
        {
            var reader = new Utf8JsonReader(data);
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && ReadRoot(ref reader, ref kind, ref escapedText)
                && !reader.Read(); // nothing after the object
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool ReadRoot(ref Utf8JsonReader reader, ref PlainDeltaKind kind, ref Range text)
    {
        var sawChoices = false;
        while (Next(ref reader) is { } property)
        {
            if (property == Property.Choices)
            {
                if (sawChoices || !ReadChoices(ref reader, ref kind, ref text)) return false;
                sawChoices = true;
            }
            else if (property == Property.Error || !IsIgnorableScalar(reader.TokenType, property))
            {
                return false;
            }
        }
        return sawChoices;
    }

    private static bool ReadChoices(ref Utf8JsonReader reader, ref PlainDeltaKind kind, ref Range text)
    {
        if (reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        var sawDelta = false;
        while (Next(ref reader) is { } property)
        {
            switch (property)
            {
                case Property.Index when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var index) && index == 0:
                case Property.FinishReason when reader.TokenType == JsonTokenType.Null:
                    continue;
                case Property.Delta when !sawDelta && reader.TokenType == JsonTokenType.StartObject:
                    if (!ReadDelta(ref reader, ref kind, ref text)) return false;
                    sawDelta = true;
                    continue;
                case Property.Other when IsIgnorableScalar(reader.TokenType, property):
                    continue;
                default:
                    return false;
            }
        }
        // Exactly one choice.
        return sawDelta && reader.Read() && reader.TokenType == JsonTokenType.EndArray;
    }

    private static bool ReadDelta(ref Utf8JsonReader reader, ref PlainDeltaKind kind, ref Range text)
    {
        var texts = 0;
        var seenTextNames = 0;
        while (Next(ref reader) is { } property)
        {
            if (property is Property.Content or Property.ReasoningContent or Property.Reasoning or Property.Thinking)
            {
                // A repeated name (the last one counts, even a null) is left to the full translation.
                var bit = 1 << (int)property;
                if ((seenTextNames & bit) != 0) return false;
                seenTextNames |= bit;
            }
            if (property == Property.Error) return false;
            if (reader.TokenType == JsonTokenType.Null) continue; // null reads as absent everywhere
            switch (property)
            {
                case Property.Content or Property.ReasoningContent or Property.Reasoning or Property.Thinking when reader.TokenType == JsonTokenType.String:
                    if (reader.ValueSpan.IsEmpty) continue;
                    if (++texts > 1 || !Utf8.IsValid(reader.ValueSpan)) return false;
                    if (reader.ValueIsEscaped && JsonEscapes.HasLoneSurrogate(reader.ValueSpan)) return false; // the full path writes U+FFFD
                    kind = property == Property.Content ? PlainDeltaKind.Content : PlainDeltaKind.Reasoning;
                    var start = (int)reader.TokenStartIndex + 1; // after the opening quote
                    text = start..(start + reader.ValueSpan.Length);
                    continue;
                case Property.Other when IsIgnorableScalar(reader.TokenType, property):
                    continue;
                default:
                    return false; // refusal, tool_calls, function_call, extra_content, content parts…
            }
        }
        return true;
    }

    private enum Property { Other, Choices, Error, Index, FinishReason, Delta, Content, ReasoningContent, Reasoning, Thinking, Refusal, ToolCalls }

    /// <summary>Moves to the next property's value and names it; null at the end of the object.</summary>
    private static Property? Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName) return null;
        // A name written with escapes is unusual enough to leave to the full translation (Error stops every level).
        var property = reader.ValueIsEscaped ? Property.Error : Name(reader.ValueSpan);
        reader.Read();
        return property;
    }

    private static Property Name(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("choices"u8) => Property.Choices,
        _ when name.SequenceEqual("error"u8) => Property.Error,
        _ when name.SequenceEqual("index"u8) => Property.Index,
        _ when name.SequenceEqual("finish_reason"u8) => Property.FinishReason,
        _ when name.SequenceEqual("delta"u8) => Property.Delta,
        _ when name.SequenceEqual("content"u8) => Property.Content,
        _ when name.SequenceEqual("reasoning_content"u8) => Property.ReasoningContent,
        _ when name.SequenceEqual("reasoning"u8) => Property.Reasoning,
        _ when name.SequenceEqual("thinking"u8) => Property.Thinking,
        _ when name.SequenceEqual("refusal"u8) => Property.Refusal,
        _ when name.SequenceEqual("tool_calls"u8) || name.SequenceEqual("function_call"u8) => Property.ToolCalls,
        _ => Property.Other,
    };

    /// <summary>Ids, timestamps, model names and nulls: nothing the translation reads. Objects and arrays may be (usage, extras).</summary>
    private static bool IsIgnorableScalar(JsonTokenType token, Property property) =>
        property == Property.Other ? token is not (JsonTokenType.StartObject or JsonTokenType.StartArray) : token == JsonTokenType.Null;
}
