using System.Text.Json;
using System.Text.Unicode;

namespace ClaudeModelProxy.Core.Responses;

/// <summary>Which delta a plain Responses event carries.</summary>
internal enum ResponsesDeltaKind { Text, ReasoningSummary, FunctionArguments }

/// <summary>
/// Recognises, in one forward pass and without building a document, the events most of a Responses stream is made
/// of: <c>response.output_text.delta</c>, <c>response.reasoning_summary_text.delta</c> and
/// <c>response.function_call_arguments.delta</c> with an <c>output_index</c> and a non-empty <c>delta</c>. Anything
/// unusual (a repeated or escaped name, a lone surrogate, invalid UTF-8) is left to the full translation, so this path
/// can only ever do what that one would.
/// </summary>
internal static class ResponsesDeltaEvent
{
    /// <param name="data">One SSE event's data.</param>
    /// <param name="escapedDelta">Where the delta is in <paramref name="data"/>, as written there (JSON escapes and all), without its quotes.</param>
    public static bool TryRead(ReadOnlySpan<byte> data, out ResponsesDeltaKind kind, out long outputIndex, out Range escapedDelta)
    {
        kind = default;
        outputIndex = -1;
        escapedDelta = default;
        ResponsesDeltaKind? type = null;
        var sawDelta = false;
        try
        {
            var reader = new Utf8JsonReader(data);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped) return false;
                var name = reader.ValueSpan;
                reader.Read();
                if (name.SequenceEqual("type"u8))
                {
                    if (type is not null || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped) return false;
                    type = TypeOf(reader.ValueSpan);
                    if (type is null) return false;
                }
                else if (name.SequenceEqual("output_index"u8))
                {
                    if (outputIndex >= 0 || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out outputIndex) || outputIndex < 0) return false;
                }
                else if (name.SequenceEqual("delta"u8))
                {
                    if (sawDelta || reader.TokenType != JsonTokenType.String || reader.ValueSpan.IsEmpty) return false;
                    if (!Utf8.IsValid(reader.ValueSpan) || (reader.ValueIsEscaped && JsonEscapes.HasLoneSurrogate(reader.ValueSpan))) return false;
                    sawDelta = true;
                    var start = (int)reader.TokenStartIndex + 1; // after the opening quote
                    escapedDelta = start..(start + reader.ValueSpan.Length);
                }
                else if (name.SequenceEqual("error"u8))
                {
                    return false;
                }
                else
                {
                    reader.Skip(); // item_id, content_index, sequence_number, logprobs…: nothing the translation reads here
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return false; // nothing after the object
        }
        catch (JsonException)
        {
            return false;
        }
        if (type is null || !sawDelta || outputIndex < 0) return false;
        kind = type.Value;
        return true;
    }

    private static ResponsesDeltaKind? TypeOf(ReadOnlySpan<byte> type) => type switch
    {
        _ when type.SequenceEqual("response.output_text.delta"u8) => ResponsesDeltaKind.Text,
        _ when type.SequenceEqual("response.reasoning_summary_text.delta"u8) => ResponsesDeltaKind.ReasoningSummary,
        _ when type.SequenceEqual("response.function_call_arguments.delta"u8) => ResponsesDeltaKind.FunctionArguments,
        _ => null,
    };
}
